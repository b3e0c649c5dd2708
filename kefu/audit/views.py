"""审计查询: the auditor finds audit records by order number, customer phone, staff, action, object and time, sees
each record's objects named as a person names them, and exports the results to Excel (the export is audited too)."""

from __future__ import annotations

import re
from io import BytesIO

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.access import require
from kefu.audit import selectors
from kefu.audit.models import AuditRecord
from kefu.audit.services import record, record_read
from kefu.errors import RuleViolation
from kefu.messages import catalogue
from kefu.messages import render as render_msg
from kefu.scope import caller
from kefu.web import sheets
from kefu.web.people import list_separator

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 1_000_000  # a worksheet holds 1,048,576 rows
EXPORT_HEADERS = [
    gettext_noop(h) for h in ("时间", "员工", "动作", "途径", "对象", "对象数", "字段", "说明", "来源IP", "地址")
]


_TRANSITION_NOTE = re.compile(r"^(?P<machine>[a-z_]+(?:\.[a-z_]+)*)\.(?P<name>[a-z_]+)$")


_CODED_NOTE = re.compile(r"^(?P<code>[a-z_]+(?:\.[a-z_]+)+)(?P<params>(?: [a-z_]+=\S*)*)$")


def note_label(note: str) -> str:
    """An audit note that is a code: a workflow transition's (machine.transition, kefu.workflow) read as the
    transition's label; a message code with k=v parameters ("shop.import created=3 updated=1") as its message."""
    m = _TRANSITION_NOTE.match(note or "")
    if m and f"{m['machine']}.transition.{m['name']}" in catalogue():
        return render_msg(f"{m['machine']}.transition.{m['name']}")
    m = _CODED_NOTE.match(note or "")
    if m and m["code"] in catalogue():
        params = dict(part.split("=", 1) for part in m["params"].split())
        return render_msg(m["code"], params)
    return note


def _shown(request, center, rows, note: str) -> None:
    """Name the rows' objects; the customers they show (masked phones) are a read of customer data: recorded."""
    selectors.name_records(center, rows)
    for r in rows:
        r.note_shown = note_label(r.note)
    shown = selectors.customers_shown(rows)
    if shown:
        record_read(request, object_type="customers.customer", ids=shown, fields="phone(masked)", note=note)


@require("page.audit.search")
def search(request):
    scope = caller(request)
    qs, crit = selectors.search(request.GET, scope)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    _shown(request, scope.center, page.object_list, "审计查询")
    query = request.GET.copy()
    query.pop("page", None)
    object_types = (
        scope.filter(AuditRecord.objects.order_by("object_type")).values_list("object_type", flat=True).distinct()
    )
    return render(
        request,
        "audit/search.html",
        {
            "page": page,
            "crit": crit.values,
            "errors": crit.errors,
            "query": query.urlencode(),
            "actions": AuditRecord.Action.choices,
            "channels": AuditRecord.Channel.choices,
            "object_types": [(t, selectors.type_label(t)) for t in object_types],
            "total": paginator.count,
        },
        status=400 if crit.errors else 200,
    )


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


@require("page.audit.search")
def export(request):
    """The search's results as an Excel workbook, objects named; the export leaves an audit record of its own."""
    from openpyxl import Workbook

    scope = caller(request)
    qs, crit = selectors.search(request.GET, scope)
    if crit.errors:
        raise RuleViolation("；".join(crit.errors.values()), field=next(iter(crit.errors)), rule="criteria")
    total = qs.count()
    if total > EXPORT_MAX_ROWS:
        raise RuleViolation(
            _("导出：结果有 %(total)s 条，超过一张工作表能容纳的 %(max)s 条，请缩小时间范围后再导出")
            % {"total": total, "max": EXPORT_MAX_ROWS},
            field="since",
            rule="export_too_large",
        )
    wb = Workbook()
    ws = wb.active
    ws.title = _("审计记录")
    sheets.append(ws, [_(h) for h in EXPORT_HEADERS])
    customers: set[int] = set()
    chunk = 2000
    for start in range(0, total, chunk):
        rows = list(qs[start : start + chunk])
        selectors.name_records(scope.center, rows)
        customers.update(selectors.customers_shown(rows))
        for r in rows:
            names = list_separator().join(r.object_names) + (
                _(" 等 %(n)s 个") % {"n": r.object_more + len(r.object_names)} if r.object_more else ""
            )
            sheets.append(
                ws,
                [
                    _local(r.at),
                    r.staff_label or "",
                    r.get_action_display(),
                    r.get_channel_display(),
                    names,
                    len(selectors.ids_of(r)),
                    r.fields,
                    note_label(r.note),
                    r.ip or "",
                    r.path,
                ],
            )
    given = {k: v for k, v in crit.values.items() if v}
    note = ("导出审计记录 %s 条；条件：%s" % (total, "，".join(f"{k}={v}" for k, v in given.items()) or "全部"))[:300]
    record(
        request,
        AuditRecord.Action.EXPORT,
        object_type="audit.record",
        ids=[],
        note=note,
        channel=AuditRecord.Channel.EXPORT,
    )
    if customers:
        record_read(
            request,
            object_type="customers.customer",
            ids=sorted(customers),
            fields="phone(masked)",
            note="审计记录导出",
            channel=AuditRecord.Channel.EXPORT,
        )
    buf = BytesIO()
    wb.save(buf)
    name = f"audit-{timezone.localtime().strftime('%Y%m%d-%H%M')}.xlsx"
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
