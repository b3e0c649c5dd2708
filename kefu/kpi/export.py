"""Excel exports of KPI reports (openpyxl, Chinese headers, targets and status). No Django import."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

STATUS_LABELS = {"ok": "达标", "bad": "未达标", "warn": "预警", "na": "无数据", "info": "参考"}
FILLS = {"ok": "C6EFCE", "bad": "FFC7CE", "warn": "FFEB9C"}
HEADERS = ["分组", "指标代码", "指标名称", "数值", "单位", "目标", "状态", "分子", "分母", "依据"]


def _fit(ws) -> None:
    for i, column in enumerate(ws.columns, start=1):
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[get_column_letter(i)].width = min(max(8, width * 1.6), 60)


def workbook(title: str, blocks: list[tuple[str, list]], *, period_label: str, notes: list[str] = ()) -> bytes:
    """blocks: [(group label, rows)] where each row has .metric, .shown, .target, .status, .num, .den."""
    wb = Workbook()
    ws = wb.active
    ws.title = "指标明细"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"统计周期：{period_label}"])
    for note in notes:
        ws.append([note])
    ws.append(HEADERS)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for label, rows in blocks:
        for r in rows:
            ws.append([label, r.metric.code, r.metric.name, r.shown, r.metric.unit, r.target, STATUS_LABELS[r.status],
                       r.num, r.den if r.metric.kind != "count" else None, r.metric.seed])
            fill = FILLS.get(r.status)
            if fill:
                ws.cell(ws.max_row, 7).fill = PatternFill("solid", fgColor=fill)
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    _fit(ws)
    if len(blocks) > 1 and blocks[0][1]:
        wide = wb.create_sheet("汇总")
        codes = [r.metric for r in blocks[0][1]]
        wide.append(["分组"] + [f"{m.code} {m.name}" for m in codes])
        for cell in wide[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)
        wide.append(["目标"] + [r.target for r in blocks[0][1]])
        for label, rows in blocks:
            wide.append([label] + [r.shown for r in rows])
            for i, r in enumerate(rows, start=2):
                fill = FILLS.get(r.status)
                if fill:
                    wide.cell(wide.max_row, i).fill = PatternFill("solid", fgColor=fill)
        wide.freeze_panes = "B3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
