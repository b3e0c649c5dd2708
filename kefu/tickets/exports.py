"""Excel export of orders (Chinese headers, masked customer data)."""
from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook

from kefu.web import sheets

from kefu.audit.services import shown_phone

HEADERS = ["工单流水号", "类型", "状态", "级别", "类别", "主题", "客户电话", "受理人工号", "受理时间", "解决时限", "已超时", "重复投诉", "满意度"]


def _t(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def orders_workbook(orders) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "工单"
    sheets.append(ws, HEADERS)
    for o in orders:
        sheets.append(ws, [o.number, o.get_kind_display(), o.state_label, o.level, o.get_category_display(), o.subject,
                          shown_phone(o.customer.phone, False), o.acceptor.staff_no, _t(o.accepted_at), _t(o.due_at),
                          "是" if o.is_overdue else "否", "是" if o.is_repeat else "否",
                          {"satisfied": "满意", "dissatisfied": "不满意"}.get(o.satisfaction, "")])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
