"""The upload page: pick a queue_log or CSV file (and a column mapping), see the result or the line-numbered errors."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.errors import RuleViolation
from kefu.org.models import Center
from kefu.telephony import selectors
from kefu.telephony.api import run_import
from kefu.telephony.csv_import import FIELDS, LABELS

MAPPING_EXAMPLE = """{
  "columns": {"call_id": "话单编号", "offered_at": "进线时间", "outcome": "呼叫结果", "agent_staff_no": "工号"},
  "datetime_format": "%Y-%m-%d %H:%M:%S",
  "outcome_values": {"接通": "answered", "放弃": "abandoned"}
}"""


def _center(request) -> Center:
    staff = getattr(request.user, "staff", None)
    return staff.center if staff else Center.objects.order_by("id").first()


def _context(request, **extra) -> dict:
    center = _center(request)
    return {"center": center, "batches": selectors.recent_batches(center), "mapping_example": MAPPING_EXAMPLE,
            "fields": [(f, LABELS[f]) for f in FIELDS], **extra}


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
        ctx["problems"] = ["请选择要导入的文件"]
    else:
        try:
            ctx["outcome"] = run_import(_center(request), upload_file.name, upload_file.read(), fmt, request.POST.get("mapping", ""),
                                        request.user)
        except RuleViolation as exc:
            ctx["problems"] = [p.message for p in exc.problems]
            ctx["file_name"] = upload_file.name
    if request.headers.get("HX-Request"):
        return render(request, "telephony/_result.html", _context(request, htmx=True, **ctx))
    return render(request, "telephony/import.html", _context(request, **ctx))
