"""审计查询: the auditor searches audit records by staff number, action, object type, object id and time."""
from __future__ import annotations

import re
from datetime import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _, gettext_lazy

from kefu.access import require
from kefu.audit.models import AuditRecord
from kefu.errors import RuleViolation
from kefu.scope import caller
from kefu.web.inputs import parse_moment

PAGE_SIZE = 50
# How object types written by the apps are shown; unknown ones are shown as written.
OBJECT_LABELS = {"customer": gettext_lazy("客户"), "order": gettext_lazy("工单"), "call": gettext_lazy("通话"),
                 "handover": gettext_lazy("交接班日志"), "staff": gettext_lazy("员工"), "export": gettext_lazy("导出文件")}


def _moment(raw: str, field: str, label: str, errors: dict) -> datetime | None:
    try:
        return parse_moment(raw, label, field=field)
    except RuleViolation as exc:  # malformed or impossible (2026-02-30): named beside the field, never a 500
        errors[field] = exc.problems[0].message
        return None


def filter_records(params, scope) -> tuple[object, dict, dict]:
    """(queryset, cleaned criteria, errors by field) of the caller's center's records. Invalid criteria are
    reported, never silently dropped."""
    errors: dict[str, str] = {}
    crit = {key: (params.get(key) or "").strip() for key in ("staff_no", "action", "channel", "object_type", "object_id", "since", "until")}
    qs = scope.filter(AuditRecord.objects.select_related("actor"))
    if crit["staff_no"]:
        qs = qs.filter(staff_no=crit["staff_no"])
    if crit["action"]:
        if crit["action"] not in AuditRecord.Action.values:
            errors["action"] = _("动作不正确：%(value)s") % {"value": crit["action"]}
        else:
            qs = qs.filter(action=crit["action"])
    if crit["channel"]:
        if crit["channel"] not in AuditRecord.Channel.values:
            errors["channel"] = _("途径不正确：%(value)s") % {"value": crit["channel"]}
        else:
            qs = qs.filter(channel=crit["channel"])
    if crit["object_type"]:
        qs = qs.filter(object_type=crit["object_type"])
    if crit["object_id"]:
        qs = qs.filter(object_ids__regex=rf"(^|,){re.escape(crit['object_id'])}(,|$)")
    since = _moment(crit["since"], "since", _("开始时间"), errors)
    until = _moment(crit["until"], "until", _("结束时间"), errors)
    if since and until and until <= since:
        errors["until"] = _("结束时间须晚于开始时间")
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs, crit, errors


@require("page.audit.search")
def search(request):
    scope = caller(request)
    qs, crit, errors = filter_records(request.GET, scope)
    if errors:
        qs = AuditRecord.objects.none()
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for row in page.object_list:
        row.object_label = OBJECT_LABELS.get(row.object_type, row.object_type)
    query = request.GET.copy()
    query.pop("page", None)
    object_types = scope.filter(AuditRecord.objects.order_by("object_type")).values_list("object_type", flat=True).distinct()
    return render(request, "audit/search.html", {
        "page": page, "crit": crit, "errors": errors, "query": query.urlencode(),
        "actions": AuditRecord.Action.choices, "channels": AuditRecord.Channel.choices, "object_types": list(object_types),
        "total": paginator.count,
    })
