"""How handovers and items are shown (API and pages alike): customers masked unless unmasked and allowed;
every read of customer data is recorded."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kefu.audit.models import AuditRecord
from kefu.audit.services import can_unmask, record, record_read, shown_name, shown_phone
from kefu.errors import NotAllowed
from kefu.scope import scope_of
from kefu.shiftlog import selectors
from kefu.shiftlog.machine import HANDOVER, ISSUE
from kefu.shiftlog.rules import FLAG_LABELS
from kefu.shiftlog.services import is_lead
from kefu.workflow import available


def order_link(item) -> str:
    """Link to the order in the tickets app when it exposes a detail page; else no link."""
    if not item.order_id:
        return ""
    for name in ("tickets:order", "tickets:order_detail", "tickets:detail"):
        try:
            return reverse(name, args=[item.order_id])
        except NoReverseMatch:
            continue
    return ""


def item_dict(item, unmasked: bool, carried: bool | None = None) -> dict:
    customer = item.customer
    return {
        "id": item.id,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "text": item.text,
        "order_ref": item.order_ref,
        "order_id": item.order_id,
        "order_url": order_link(item),
        "customer_id": customer.id if customer else None,
        "customer_phone": shown_phone(customer.phone, unmasked) if customer else "",
        "customer_name": shown_name(customer.name, unmasked) if customer else "",
        "due_at": item.due_at,
        "during_handover": item.during_handover,
        "holder_no": item.holder.staff_no if item.holder_id else "",
        "origin_id": item.origin_id,
        "created_at": item.created_at,
        "closed_at": item.closed_at,
        "closed_by_no": item.closed_by.staff_no if item.closed_by_id else "",
        "close_note": item.close_note,
        "carried": carried,
    }


def audit_customers(request, items: list[dict], unmasked: bool, where: str) -> None:
    ids = sorted({i["customer_id"] for i in items if i["customer_id"]})
    if not ids:
        return
    if unmasked:
        record(request, AuditRecord.Action.UNMASK, object_type="customer", ids=ids, fields="phone,name", note=where)
    else:
        record_read(request, object_type="customer", ids=ids, fields="phone,name", note=where)


def wants_unmask(request, asked: bool) -> bool:
    return bool(asked) and can_unmask(request.user)


def can_view(staff, handover) -> bool:
    return staff is not None and (staff.pk in (handover.outgoing_id, handover.incoming_id) or is_lead(staff))


def handover_dict(request, staff, handover, *, unmask: bool = False, now=None) -> dict:
    if not can_view(staff, handover):
        raise NotAllowed("只能查看本人交接或由班长、值班长查看", rule="not_party")
    now = now or timezone.now()
    unmasked = wants_unmask(request, unmask)
    items = [item_dict(line.item, unmasked, line.carried) for line in selectors.lines_of(handover)]
    audit_customers(request, items, unmasked, f"交接班日志 {handover.pk}")
    return {
        "id": handover.id,
        "shift_code": handover.shift_code,
        "shift_name": handover.shift_name,
        "shift_date": handover.shift_date,
        "shift_start": handover.shift_start,
        "shift_end": handover.shift_end,
        "sign_out_due": handover.sign_out_due,
        "countersign_due": handover.countersign_due,
        "outgoing_no": handover.outgoing.staff_no,
        "incoming_no": handover.incoming.staff_no if handover.incoming_id else "",
        "state": handover.state,
        "state_label": str(HANDOVER.state_label(handover.state)),
        "equipment_state": handover.equipment_state,
        "notes": handover.notes,
        "signed_out_at": handover.signed_out_at,
        "signed_out_no": handover.signed_out_no,
        "countersigned_at": handover.countersigned_at,
        "countersigned_no": handover.countersigned_no,
        "return_reason": handover.return_reason,
        "version": handover.version,
        "flags": [f.value for f in selectors.flags_of(handover, now)],
        "flag_labels": [FLAG_LABELS[f] for f in selectors.flags_of(handover, now)],
        "actions": [t.name for t in available(HANDOVER, scope_of(staff), handover)],
        "items": items,
        "issues": [
            issue_dict(i, scope_of(staff))
            for i in handover.issues.select_related("handover", "responsible", "reported_by", "decided_by")
        ],
        "events": [
            {"at": e.at, "staff_no": e.staff_no, "code": e.code, "name": e.label, "note": e.note}
            for e in handover.events.all()
        ],
    }


def issue_dict(issue, scope=None) -> dict:
    """An issue; with a scope, also the transitions that caller may fire on it (machine.ISSUE)."""
    return {
        "id": issue.id,
        "handover_id": issue.handover_id,
        "kind": issue.kind,
        "kind_label": issue.get_kind_display(),
        "description": issue.description,
        "side": issue.side,
        "side_label": issue.get_side_display(),
        "responsible_no": issue.responsible.staff_no,
        "reported_by_no": issue.reported_by.staff_no,
        "reported_at": issue.reported_at,
        "status": issue.status,
        "status_label": issue.get_status_display(),
        "dispute_reason": issue.dispute_reason,
        "decided_by_no": issue.decided_by.staff_no if issue.decided_by_id else "",
        "decided_at": issue.decided_at,
        "decision_note": issue.decision_note,
        "version": issue.version,
        "actions": [t.name for t in available(ISSUE, scope, issue)] if scope is not None else [],
    }
