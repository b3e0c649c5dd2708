"""Excel export of orders (headers and labels in the reader's language, from the catalogue; masked customer data)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from openpyxl import Workbook

from kefu.audit.services import shown_phone
from kefu.tickets import history
from kefu.web import sheets

HEADERS = [
    gettext_noop(h)
    for h in (
        "工单流水号",
        "类型",
        "状态",
        "级别",
        "类别",
        "主题",
        "客户电话",
        "受理人工号",
        "受理时间",
        "解决时限",
        "已超时",
        "重复投诉",
        "满意度",
    )
]


def _t(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def orders_workbook(orders) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = gettext("工单")
    sheets.append(ws, [gettext(h) for h in HEADERS])
    for o in orders:
        sheets.append(
            ws,
            [
                o.number,
                history.label("kind", o.kind),
                history.state(o.state),
                o.level,
                history.category(o),
                o.subject,
                shown_phone(o.customer.phone, False),
                o.acceptor.staff_no,
                _t(o.accepted_at),
                _t(o.due_at),
                history.field_value("flag", o.is_overdue),
                history.field_value("flag", o.is_repeat),
                history.label("satisfaction", o.satisfaction),
            ],
        )
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
