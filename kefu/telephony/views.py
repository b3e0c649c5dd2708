"""The upload page: pick a queue_log or CSV file (and a column mapping), see the result or the line-numbered errors."""

from __future__ import annotations

import json

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.errors import RuleViolation
from kefu.org.models import Center
from kefu.telephony import selectors
from kefu.telephony.api import run_import
from kefu.telephony.csv_import import FIELDS, LABELS


def _mapping_example() -> str:
    """The placeholder of the mapping box: column names as a switch of this language would export them."""
    return """{
  "columns": {"call_id": %s, "offered_at": %s, "outcome": %s, "agent_staff_no": %s},
  "datetime_format": "%%Y-%%m-%%d %%H:%%M:%%S",
  "outcome_values": {%s: "answered", %s: "abandoned"}
}""" % tuple(
        json.dumps(s, ensure_ascii=False)
        for s in (_("话单编号"), _("进线时间"), _("呼叫结果"), _("工号"), _("接通"), _("放弃"))
    )


# Labels of csv_import.LABELS and CallBatch.Kind in the user's language (those modules stay Chinese-only).
FIELD_LABELS = {
    "call_id": gettext_lazy("呼叫标识"),
    "queue": gettext_lazy("队列"),
    "call_type": gettext_lazy("业务类型"),
    "is_vip": "VIP",
    "caller_number": gettext_lazy("主叫号码"),
    "offered_at": gettext_lazy("进入队列时间"),
    "outcome": gettext_lazy("结果"),
    "requested_agent": gettext_lazy("要求人工"),
    "queued": gettext_lazy("排队"),
    "answered_at": gettext_lazy("应答时间"),
    "wait_seconds": gettext_lazy("排队时长"),
    "rings": gettext_lazy("振铃次数"),
    "talk_seconds": gettext_lazy("通话时长"),
    "hold_seconds": gettext_lazy("保持时长"),
    "acw_seconds": gettext_lazy("事后处理时长"),
    "transferred": gettext_lazy("已转接"),
    "transfer_kind": gettext_lazy("转接方式"),
    "transfer_target": gettext_lazy("转接目标"),
    "disposition": gettext_lazy("处理结果代码"),
    "first_call_resolved": gettext_lazy("一次解决"),
    "agent_staff_no": gettext_lazy("工号"),
    "ended_at": gettext_lazy("结束时间"),
}
KIND_LABELS = {
    "queue_log": "Asterisk queue_log",
    "csv": gettext_lazy("CSV（字段映射）"),
    "simulator": gettext_lazy("仿真器"),
}


def _center(request) -> Center:
    staff = getattr(request.user, "staff", None)
    return staff.center if staff else Center.objects.order_by("id").first()


def _context(request, **extra) -> dict:
    center = _center(request)
    batches = list(selectors.recent_batches(center))
    for batch in batches:
        batch.kind_label = KIND_LABELS.get(batch.kind, batch.kind)
    return {
        "center": center,
        "batches": batches,
        "mapping_example": _mapping_example(),
        "fields": [(f, FIELD_LABELS.get(f, LABELS[f])) for f in FIELDS],
        **extra,
    }


@require("page.telephony.import")
def import_page(request):
    return render(request, "telephony/import.html", _context(request))


@require("page.telephony.import")
@require_POST
def upload(request):
    upload_file = request.FILES.get("file")
    fmt = request.POST.get("format", "queue_log")
    ctx: dict = {"format": fmt}
    if upload_file is None:
        ctx["problems"] = [_("请选择要导入的文件")]
    else:
        try:
            ctx["outcome"] = run_import(
                _center(request),
                upload_file.name,
                upload_file.read(),
                fmt,
                request.POST.get("mapping", ""),
                request.user,
            )
        except RuleViolation as exc:
            ctx["problems"] = [p.message for p in exc.problems]
            ctx["file_name"] = upload_file.name
    if request.headers.get("HX-Request"):
        return render(request, "telephony/_result.html", _context(request, htmx=True, **ctx))
    return render(request, "telephony/import.html", _context(request, **ctx))
