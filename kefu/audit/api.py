from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from kefu.access import op
from kefu.audit import selectors
from kefu.audit.services import record_read
from kefu.errors import Problem, RuleViolation
from kefu.scope import caller

router = Router(tags=["审计 audit"])


class AuditOut(Schema):
    id: int
    at: datetime
    staff_no: str
    staff: str  # "张三 (1001)"
    action: str
    channel: str
    object_type: str
    object_ids: str
    objects: list[str]  # the first objects, named as a person names them ("工单 GD202612070012")
    objects_more: int
    fields: str
    path: str
    ip: str | None
    note: str


@op(router.get, "/records", "audit.search", response=list[AuditOut])
def search(
    request,
    staff_no: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    order: str | None = None,
    customer: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
):
    """The auditor's own center's records, newest first: by staff (number or name), order number, customer phone
    (keyed digest), action, object and time."""
    scope = caller(request)
    params = {
        "staff_no": staff_no,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "order": order,
        "customer": customer,
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
    }
    qs, crit = selectors.search(params, scope)
    if crit.errors:
        raise RuleViolation.many([Problem(name, "criteria", message) for name, message in crit.errors.items()])
    rows = list(qs[: max(1, min(limit, 1000))])
    selectors.name_records(scope.center, rows)
    shown = selectors.customers_shown(rows)
    if shown:
        record_read(request, object_type="customers.customer", ids=shown, fields="phone(masked)", note="审计查询")
    return [
        {
            "id": r.pk,
            "at": r.at,
            "staff_no": r.staff_no,
            "staff": r.staff_label,
            "action": r.action,
            "channel": r.channel,
            "object_type": r.object_type,
            "object_ids": r.object_ids,
            "objects": r.object_names,
            "objects_more": r.object_more,
            "fields": r.fields,
            "path": r.path,
            "ip": r.ip,
            "note": r.note,
        }
        for r in rows
    ]
