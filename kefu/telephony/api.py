from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from kefu.access import op
from kefu.audit.models import AuditRecord
from kefu.audit.services import can_unmask, record_read, shown_phone
from kefu.errors import RuleViolation
from kefu.org.models import Center
from kefu.telephony import selectors, services

router = Router(tags=["话务数据 telephony"])


def _center(request) -> Center:
    staff = getattr(request.user, "staff", None)
    return staff.center if staff else Center.objects.order_by("id").first()


class BatchOut(Schema):
    id: int
    kind: str
    file_name: str
    sha256: str
    rows: int
    calls: int
    sessions: int
    pauses: int
    pending: int
    imported_at: datetime
    imported_by: str


class ImportOut(Schema):
    batch: BatchOut
    duplicate: bool
    calls_in_file: int
    calls_created: int
    skipped_existing: int
    notes: list[str]  # what the user should know of how the file was read (e.g. its time format)


class CallOut(Schema):
    id: int
    call_id: str
    queue: str
    call_type: str
    is_vip: bool
    caller: str
    offered_at: datetime
    outcome: str
    requested_agent: bool
    queued: bool
    answered_at: datetime | None
    wait_seconds: float
    rings: int | None
    talk_seconds: float
    hold_seconds: float
    acw_seconds: float
    transferred: bool
    transfer_kind: str
    disposition: str
    first_call_resolved: bool | None
    agent_staff_no: str
    ended_at: datetime | None


def batch_out(b) -> dict:
    return {
        "id": b.id,
        "kind": b.kind,
        "file_name": b.file_name,
        "sha256": b.sha256,
        "rows": b.rows,
        "calls": b.calls,
        "sessions": b.sessions,
        "pauses": b.pauses,
        "pending": b.pending,
        "imported_at": b.imported_at,
        "imported_by": b.imported_by.get_username() if b.imported_by_id else "",
    }


@op(router.get, "/batches", "telephony.list_batches", response=list[BatchOut])
def list_batches(request, limit: int = 50):
    return [batch_out(b) for b in selectors.recent_batches(_center(request), min(max(limit, 1), 500))]


@op(router.get, "/calls", "telephony.list_calls", response=list[CallOut])
def list_calls(
    request,
    day_from: date | None = None,
    day_to: date | None = None,
    agent: str | None = None,
    outcome: str | None = None,
    unmask: bool = False,
    limit: int = 200,
):
    """Calls by local day of entering the queue; caller numbers masked unless the user may unmask and asks to."""
    center = _center(request)
    tz = ZoneInfo(center.time_zone)
    start = datetime.combine(day_from, time(0), tzinfo=tz) if day_from else None
    end = datetime.combine(day_to + timedelta(days=1), time(0), tzinfo=tz) if day_to else None
    rows = list(
        selectors.calls(center, start=start, end=end, agent_staff_no=agent, outcome=outcome)[: min(max(limit, 1), 1000)]
    )
    clear = unmask and can_unmask(request.user)
    record_read(
        request,
        object_type="telephony.call",
        ids=[c.id for c in rows],
        fields="caller_number",
        channel=AuditRecord.Channel.API,
        note="unmasked" if clear else "",
    )
    out = []
    for c in rows:
        item = {f: getattr(c, f) for f in CallOut.model_fields if f != "caller"}
        item["caller"] = shown_phone(selectors.caller_number(c), clear)
        out.append(item)
    return out


@op(router.post, "/import", "telephony.import_file", response=ImportOut)
def import_file(request, file: UploadedFile = File(...), format: str = Form("queue_log"), mapping: str = Form("")):
    """Upload a queue_log or CSV file (with an optional JSON column mapping for CSV)."""
    result = run_import(_center(request), file.name, file.read(), format, mapping, request.user)
    return {
        "batch": batch_out(result.batch),
        "duplicate": result.duplicate,
        "calls_in_file": result.calls_in_file,
        "calls_created": result.calls_created,
        "skipped_existing": result.skipped_existing,
        "notes": result.notes,
    }


def run_import(center, name: str, data: bytes, fmt: str, mapping_text: str, user):
    """Import from the page or the API, then refresh the KPI rollups of the days it touched."""
    outcome = _import(center, name, data, fmt, mapping_text, user)
    services.refresh_kpis(outcome)
    return outcome


def _import(center, name: str, data: bytes, fmt: str, mapping_text: str, user):
    if fmt == "queue_log":
        return services.import_queue_log(center, file_name=name, data=data, user=user)
    if fmt == "csv":
        mapping = None
        if mapping_text.strip():
            try:
                mapping = json.loads(mapping_text)
            except json.JSONDecodeError as exc:
                raise RuleViolation(
                    f"字段映射不是有效的 JSON：第{exc.lineno}行第{exc.colno}列 {exc.msg}",
                    field="mapping",
                    rule="telephony.mapping",
                ) from None
        return services.import_csv(center, file_name=name, data=data, mapping=mapping, user=user)
    raise RuleViolation("文件格式只能是 queue_log 或 csv", field="format", rule="telephony.format")
