"""The customer page: the whole history of one caller (orders, calls, callbacks and return visits, surveys), masked;
the read is audited, and so is showing the full number to those who may."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.audit.models import AuditRecord
from kefu.audit.services import can_unmask, record, record_read, shown_name, shown_phone
from kefu.customers import selectors
from kefu.scope import caller
from kefu.workbench import labels

FIELDS = "phone(masked),name(masked),orders,calls,callbacks,surveys"


def history_context(found, unmasked: bool = False) -> dict:
    c = found.customer
    for o in found.orders:
        o.kind_name = labels.KIND_NAMES.get(o.kind, o.kind)
        o.state_name = labels.STATE_NAMES.get(o.state, o.state)
    tasks = [{"t": t, "kind_name": labels.TASK_KIND_NAMES.get(t.kind, t.kind), "state_name": t.get_state_display()}
             for t in found.tasks]
    surveys = [{"s": s, "answer_name": labels.SATISFACTION_NAMES.get(s.answer, "")} for s in found.surveys]
    return {"found": found, "c": c, "phone": shown_phone(c.phone, unmasked), "name": shown_name(c.name, unmasked),
            "kind_name": labels.CUSTOMER_KIND_NAMES.get(c.kind, c.kind), "tasks": tasks, "surveys": surveys}


@require("page.customers.detail")
def detail(request, customer_id: int):
    scope = caller(request)
    found = selectors.history(scope, customer_id)
    record_read(request, "customers.customer", [found.customer.pk], fields=FIELDS, note="客户页")
    context = history_context(found)
    context["can_unmask"] = can_unmask(request.user)
    return render(request, "customers/detail.html", context)


@require_POST
@require("page.customers.unmask")
def unmask(request, customer_id: int):
    """"显示完整号码": the full phone and name (HTMX fragment), audited as unmask."""
    c = selectors.customer(caller(request), customer_id)
    record(request, AuditRecord.Action.UNMASK, "customers.customer", [c.pk], fields="phone,name", note="客户页")
    return render(request, "customers/_unmasked.html", {"phone": c.phone, "name": c.name})
