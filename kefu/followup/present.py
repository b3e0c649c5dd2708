"""Tasks as the API and the pages show them: labels rendered, phones masked unless asked and allowed, every read of
customer data audited."""

from __future__ import annotations

from kefu.audit.models import AuditRecord
from kefu.audit.services import can_unmask, record_read, shown_name, shown_phone
from kefu.followup import machine
from kefu.followup.models import Task
from kefu.messages import Msg, render
from kefu.workflow import available


def wants_unmask(request, asked: bool) -> bool:
    return bool(asked) and can_unmask(request.user)


def task_dict(task: Task, unmasked: bool, now=None) -> dict:
    customer = task.customer
    return {
        "id": task.pk,
        "version": task.version,
        "kind": task.kind,
        "kind_label": render(f"followup.kind.{task.kind}"),
        "state": task.state,
        "state_label": str(machine.MACHINE.state_label(task.state)),
        "reason": render(task.reason_code, task.reason_params),
        "due_at": task.due_at,
        "overdue": task.state == machine.OPEN and now is not None and task.due_at < now,
        "owner_no": task.owner.staff_no,
        "customer_id": task.customer_id,
        "customer_phone": shown_phone(customer.phone, unmasked) if customer else "",
        "customer_name": shown_name(customer.name, unmasked) if customer else "",
        "order_id": task.order_id,
        "order_number": task.order.number if task.order_id else "",
        "attempt_count": task.attempt_count,
        "reached_at": task.reached_at,
        "closed_at": task.closed_at,
        "closure_label": render(f"followup.closure.{task.closure}") if task.closure else "",
        "result": task.result,
        "satisfaction_label": render(f"followup.satisfaction.{task.satisfaction}") if task.satisfaction else "",
        "source_label": task.get_source_display(),
    }


def audit(request, tasks: list[Task], unmasked: bool, note: str, channel=AuditRecord.Channel.PAGE) -> None:
    ids = [t.customer_id for t in tasks if t.customer_id]
    if ids:
        record_read(
            request,
            object_type="customers.customer",
            ids=ids,
            fields="phone,name" + ("" if unmasked else "(masked)"),
            channel=channel,
            note=note,
        )


def attempts(task: Task) -> list[dict]:
    return [
        {
            "at": a.at,
            "staff_no": a.by.staff_no,
            "outcome": a.outcome,
            "outcome_label": render(f"followup.outcome.{a.outcome}"),
            "note": a.note,
        }
        for a in task.attempts.select_related("by")
    ]


def events(task: Task) -> list[dict]:
    from kefu.messages import catalogue

    out = []
    for e in task.events.all():
        if "%(" in str(catalogue().get(e.code, "")):  # a sentence with its values in it
            out.append({"at": e.at, "staff_no": e.staff_no, "text": render(e.code, e.params), "detail": ""})
            continue
        out.append(
            {
                "at": e.at,
                "staff_no": e.staff_no,
                "text": render(e.code),
                "detail": "；".join(
                    str(Msg.from_data(v)) if isinstance(v, dict) else str(v)
                    for k, v in e.params.items()
                    if k != "source"
                ),
            }
        )
    return out


def actions(scope, task: Task) -> list[str]:
    return [t.name for t in available(machine.MACHINE, scope, task)]
