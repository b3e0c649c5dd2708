"""Excel exports of KPI reports (openpyxl, Chinese headers, targets and status). No Django import.

Numbers stay numbers, as a manager filters, sorts and sums them: a rate is the fraction (0.7971) formatted '0.00%',
a duration the number of seconds or minutes with its unit in the number format and in the header, a count an integer.
A value is rounded to what the page shows (two decimals, percent: four decimals of the fraction); a metric without
data (denominator 0) leaves its cell empty and says 无数据 in the status column.
"""

from __future__ import annotations

import io
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kefu.web.sheets import append

STATUS_LABELS = {"ok": "达标", "bad": "未达标", "warn": "预警", "na": "无数据", "info": "参考"}
FILLS = {"ok": "C6EFCE", "bad": "FFC7CE", "warn": "FFEB9C"}
HEADERS = ["分组", "指标代码", "指标名称", "数值", "单位", "目标", "状态", "分子", "分母", "依据"]
VALUE_COLUMN, NUM_COLUMN, DEN_COLUMN = 4, 8, 9

PERCENT = "0.00%"
INTEGER = "#,##0"
DECIMAL = "#,##0.00"


def number_format(metric) -> str:
    """The Excel number format of a metric's value: percent, integer count, or two decimals with the unit."""
    if metric.kind == "count":
        return INTEGER
    if metric.unit == "%":
        return PERCENT
    if metric.unit in ("秒", "分钟"):
        return f'{DECIMAL}"{metric.unit}"'  # 35.5 shown as 35.50秒: still a number
    return DECIMAL


def cell_number(metric, value: Fraction | None) -> float | int | None:
    """The value a cell holds: a fraction for rates (79.71 % -> 0.7971), the count, or the rounded number; None if no data."""
    if value is None:
        return None
    if metric.kind == "count":
        return int(value)
    if metric.unit == "%":
        return round(float(value) / 100, 4)
    return round(float(value), 2)


def _amount(x) -> float | int | None:
    """A numerator or denominator: an integer when it is one (call counts), else the number."""
    if x is None:
        return None
    x = float(x)
    return int(x) if x.is_integer() else x


def header_with_unit(metric) -> str:
    return f"{metric.code} {metric.name}（{metric.unit}）" if metric.unit else f"{metric.code} {metric.name}"


def _fit(ws) -> None:
    for i, column in enumerate(ws.columns, start=1):
        width = max((12 if isinstance(c.value, (int, float)) else len(str(c.value or ""))) for c in column)
        ws.column_dimensions[get_column_letter(i)].width = min(max(8, width * 1.6), 60)


def workbook(title: str, blocks: list[tuple[str, list]], *, period_label: str, notes: list[str] = ()) -> bytes:
    """blocks: [(group label, rows)] where each row has .metric, .value, .target, .status, .num, .den."""
    wb = Workbook()
    ws = wb.active
    ws.title = "指标明细"
    append(ws, [title])
    ws["A1"].font = Font(bold=True, size=14)
    append(ws, [f"统计周期：{period_label}"])
    for note in notes:
        append(ws, [note])
    append(ws, HEADERS)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for label, rows in blocks:
        for r in rows:
            m = r.metric
            append(
                ws,
                [
                    label,
                    m.code,
                    m.name,
                    cell_number(m, r.value),
                    m.unit,
                    r.target,
                    STATUS_LABELS[r.status],
                    _amount(r.num),
                    _amount(r.den) if m.kind != "count" else None,
                    m.seed,
                ],
            )
            line = ws.max_row
            ws.cell(line, VALUE_COLUMN).number_format = number_format(m)
            for col in (NUM_COLUMN, DEN_COLUMN):
                cell = ws.cell(line, col)
                cell.number_format = INTEGER if isinstance(cell.value, int) else DECIMAL
            fill = FILLS.get(r.status)
            if fill:
                ws.cell(line, 7).fill = PatternFill("solid", fgColor=fill)
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    _fit(ws)
    if len(blocks) > 1 and blocks[0][1]:
        wide = wb.create_sheet("汇总")
        metrics = [r.metric for r in blocks[0][1]]
        append(wide, ["分组"] + [header_with_unit(m) for m in metrics])
        for cell in wide[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)
        append(wide, ["目标"] + [r.target for r in blocks[0][1]])
        for label, rows in blocks:
            append(wide, [label] + [cell_number(r.metric, r.value) for r in rows])
            for i, r in enumerate(rows, start=2):
                cell = wide.cell(wide.max_row, i)
                cell.number_format = number_format(r.metric)
                fill = FILLS.get(r.status)
                if fill:
                    cell.fill = PatternFill("solid", fgColor=fill)
        wide.freeze_panes = "B3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
