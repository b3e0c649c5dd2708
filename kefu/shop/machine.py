"""The after-sales case (退换货、退款、补偿), declared once on the workflow kernel (kefu/workflow.py).

An agent registers the case with its reason; the eligibility rules and who pays shipping are decided then
(kefu/shop/rules.py). The after-sales handler accepts or refuses it; the buyer's return tracking number moves it to
"in transit"; the refund waits for the parcel (003:L239 收到退回的包裹后退款; L196-203 a parcel not found: reship
first); an exchange sends a handwritten order at once with a yellow-flag remark (003:L249); a minor quality problem
gets a partial compensation (003:L244 a.).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from kefu.messages import Msg
from kefu.org.roles import Role
from kefu.workflow import FieldSpec, Machine, Party, Transition

REQUESTED, AWAITING, IN_TRANSIT, RECEIVED, REFUNDED, RESHIPPED, EXCHANGED, COMPENSATED, REFUSED, CLOSED = (
    "requested",
    "awaiting_return",
    "in_transit",
    "received",
    "refunded",
    "reshipped",
    "exchanged",
    "compensated",
    "refused",
    "closed",
)
OPEN = (REQUESTED, AWAITING, IN_TRANSIT, RECEIVED, REFUNDED, RESHIPPED, EXCHANGED, COMPENSATED)
AFTER_SALES = {Role.DEPT_HANDLER, Role.TEAM_LEAD, Role.SUPERVISOR}
FRONT = {Role.AGENT, Role.SENIOR_AGENT, Role.DEPT_HANDLER, Role.TEAM_LEAD, Role.SUPERVISOR}


def _parties(scope, case) -> set[Party]:
    found = set()
    if case.handler_id and case.handler_id == scope.staff.pk:
        found.add(Party.OWNER)
    if case.department_id and case.department_id in scope.departments:
        found.add(Party.DEPARTMENT)
    return found


def _amount(ctx, name="amount") -> Decimal | None:
    try:
        value = Decimal(str(ctx.fields[name]))
    except (InvalidOperation, KeyError):
        return None
    return value


def _eligible(ctx):
    """A case the rules refused (7 days, washed, special size, food opened, 到付…) cannot be accepted."""
    if ctx.obj.refusals:
        return Msg("shop.case.not_eligible", count=len(ctx.obj.refusals))
    return None


def _money_guard(ctx):
    amount = _amount(ctx)
    if amount is None or amount <= 0:
        return Msg("shop.case.amount_invalid", value=ctx.fields.get("amount", ""))
    if ctx.obj.refunded_amount + amount > ctx.obj.order.amount:
        return Msg(
            "shop.case.amount_over_order", amount=amount, paid=ctx.obj.order.amount, refunded=ctx.obj.refunded_amount
        )
    return None


def _accept(ctx):
    ctx.obj.handler = ctx.scope.staff
    ctx.history_params.update(ctx.fields)


def _record(ctx):
    ctx.history_params.update({k: str(v) for k, v in ctx.fields.items()})


def _return_shipped(ctx):
    ctx.obj.return_tracking_no = ctx.fields["tracking_no"]
    _record(ctx)


def _receive(ctx):
    ctx.obj.received_at = ctx.now
    _record(ctx)


def _pay(ctx):
    ctx.obj.refunded_amount += _amount(ctx)
    _record(ctx)


def _reship(ctx):
    ctx.obj.reship_tracking_no = ctx.fields["tracking_no"]
    _record(ctx)


def _exchange(ctx):
    from . import services

    ctx.obj.reship_tracking_no = ctx.fields["tracking_no"]
    services.write_exchange_order(ctx.scope, ctx.obj, tracking_no=ctx.fields["tracking_no"], now=ctx.now)
    _record(ctx)


def _close(ctx):
    ctx.obj.closed_at = ctx.now
    _record(ctx)


def _history(ctx):
    from .models import CaseEvent

    CaseEvent.objects.create(
        case=ctx.obj,
        code=f"{ctx.machine.name}.transition.{ctx.transition.name}",
        params=ctx.history_params,
        from_state=ctx.before,
        to_state=ctx.obj.state,
        actor=ctx.scope.staff,
        at=ctx.now,
    )


FIELDS = {
    "note": FieldSpec("shop.case.field.note", max_length=300),
    "reason": FieldSpec("shop.case.field.refuse_reason", max_length=300),
    "amount": FieldSpec("shop.case.field.amount", kind="decimal"),
    "tracking_no": FieldSpec("shop.case.field.tracking_no", max_length=40),
}

CASE = Machine(
    "shop.case",
    transitions=(
        Transition(
            "accept",
            src={REQUESTED},
            dst=AWAITING,
            roles=AFTER_SALES,
            allows=("note",),
            guard=_eligible,
            effect=_accept,
            seed="003:L249",
        ),
        Transition(
            "refuse",
            src={REQUESTED},
            dst=REFUSED,
            roles=AFTER_SALES,
            requires=("reason",),
            effect=_record,
            seed="000:L244",
        ),
        Transition(
            "compensate",
            src={REQUESTED},
            dst=COMPENSATED,
            roles=AFTER_SALES,
            requires=("amount",),
            allows=("note",),
            guard=_money_guard,
            effect=_pay,
            seed="003:L244",
        ),
        Transition(
            "return_shipped",
            src={AWAITING},
            dst=IN_TRANSIT,
            roles=FRONT,
            requires=("tracking_no",),
            effect=_return_shipped,
            seed="003:L191",
        ),
        Transition(
            "receive",
            src={IN_TRANSIT},
            dst=RECEIVED,
            roles=AFTER_SALES,
            allows=("note",),
            effect=_receive,
            seed="003:L239",
        ),
        Transition(
            "refund",
            src={RECEIVED},
            dst=REFUNDED,
            roles=AFTER_SALES,
            requires=("amount",),
            allows=("note",),
            guard=_money_guard,
            effect=_pay,
            seed="003:L239",
        ),
        Transition(
            "reship",
            src={AWAITING, IN_TRANSIT, RECEIVED},
            dst=RESHIPPED,
            roles=AFTER_SALES,
            requires=("tracking_no",),
            allows=("note",),
            effect=_reship,
            seed="003:L196-203",
        ),
        Transition(
            "exchange",
            src={AWAITING, IN_TRANSIT, RECEIVED},
            dst=EXCHANGED,
            roles=AFTER_SALES,
            requires=("tracking_no",),
            allows=("note",),
            effect=_exchange,
            seed="003:L249",
        ),
        Transition(
            "close",
            src={REFUNDED, RESHIPPED, EXCHANGED, COMPENSATED},
            dst=CLOSED,
            roles=AFTER_SALES,
            allows=("note",),
            effect=_close,
        ),
    ),
    fields=FIELDS,
    party_of=_parties,
    history=_history,
    audit_type="shop_case",
)


# --- bad reviews (中差评), 003:L250-264 ----------------------------------------------------------------------------
def _window(ctx, channels: tuple[str, ...]):
    """The seeds' contact windows (003:L144: phone 11:00-12:00 and 15:00-16:30; the night shift's SMS 20:00-21:00,
    also the best time to call, L263)."""
    from django.utils import timezone

    from . import rules, services

    windows = services.policy(ctx.obj.center)["review_windows"]
    moment = timezone.localtime(ctx.now).time()
    if rules.review_task(moment, windows) not in channels:
        shown = [f"{w['start']}-{w['end']}" for w in windows if w["channel"] in channels]
        return Msg("shop.review.outside_window", windows=shown)
    return None


def _phone_window(ctx):
    return _window(ctx, ("phone", "sms"))


def _sms_window(ctx):
    return _window(ctx, ("sms",))


def _diagnose(ctx):
    ctx.obj.cause = ctx.fields["cause"]
    ctx.obj.handler = ctx.scope.staff
    ctx.history_params["cause"] = {"code": f"shop.cause.{ctx.fields['cause']}", "params": {}}


def _offer(ctx):
    amount = _amount(ctx)
    ctx.obj.compensation = amount
    ctx.history_params["amount"] = str(amount)


def _offer_guard(ctx):
    amount = _amount(ctx)
    if amount is None or amount <= 0 or amount > ctx.obj.order.amount:
        return Msg("shop.case.amount_invalid", value=ctx.fields.get("amount", ""))
    return None


def _review_history(ctx):
    from .models import ReviewEvent

    ReviewEvent.objects.create(
        review=ctx.obj,
        code=f"{ctx.machine.name}.transition.{ctx.transition.name}",
        params=ctx.history_params,
        from_state=ctx.before,
        to_state=ctx.obj.state,
        actor=ctx.scope.staff,
        at=ctx.now,
    )


REVIEW_ROLES = {Role.AGENT, Role.SENIOR_AGENT, Role.DEPT_HANDLER, Role.TEAM_LEAD, Role.SUPERVISOR}
REVIEW_OPEN = ("new", "diagnosed", "no_answer", "sms_sent", "suspected_pro", "talked", "offered", "agreed")

REVIEW = Machine(
    "shop.review",
    transitions=(
        Transition(
            "diagnose",
            src={"new"},
            dst="diagnosed",
            roles=REVIEW_ROLES,
            requires=("cause",),
            allows=("note",),
            effect=_diagnose,
            seed="003:L253-255",
        ),
        Transition(
            "call_answered",
            src={"diagnosed", "no_answer", "sms_sent"},
            dst="talked",
            roles=REVIEW_ROLES,
            allows=("note",),
            guard=_phone_window,
            effect=_record,
            seed="003:L256",
        ),
        Transition(
            "call_unanswered",
            src={"diagnosed"},
            dst="no_answer",
            roles=REVIEW_ROLES,
            allows=("note",),
            guard=_phone_window,
            effect=_record,
            seed="003:L256",
        ),
        Transition(
            "send_sms",
            src={"no_answer"},
            dst="sms_sent",
            roles=REVIEW_ROLES,
            allows=("note",),
            guard=_sms_window,
            effect=_record,
            seed="003:L144, L256",
        ),
        Transition(
            "no_reply",
            src={"sms_sent"},
            dst="suspected_pro",
            roles=REVIEW_ROLES,
            allows=("note",),
            effect=_record,
            seed="003:L256",
        ),
        Transition(
            "offer",
            src={"talked", "suspected_pro"},
            dst="offered",
            roles=REVIEW_ROLES,
            requires=("amount",),
            allows=("note",),
            guard=_offer_guard,
            effect=_offer,
            seed="003:L260",
        ),
        Transition(
            "agree",
            src={"talked", "offered"},
            dst="agreed",
            roles=REVIEW_ROLES,
            allows=("note",),
            effect=_record,
            seed="003:L261",
        ),
        Transition("revised", src={"agreed"}, dst="revised", roles=REVIEW_ROLES, allows=("note",), effect=_record),
        Transition(
            "give_up",
            src={"talked", "offered", "suspected_pro", "agreed"},
            dst="unrevised",
            roles=REVIEW_ROLES,
            requires=("note",),
            effect=_record,
        ),
    ),
    fields={
        "cause": FieldSpec("shop.review.field.cause", kind="choice", choices=("novice", "unhappy", "cannot_use")),
        "note": FieldSpec("shop.case.field.note", max_length=300),
        "amount": FieldSpec("shop.review.field.amount", kind="decimal"),
    },
    history=_review_history,
    audit_type="shop_review",
)


# --- complaints of the after-sales handbook, 002:L115-161 -------------------------------------------------------
def _investigate(ctx):
    from django.utils import timezone

    ctx.obj.investigated_on = timezone.localdate(ctx.now)
    _record(ctx)


def _report(ctx):
    from django.utils import timezone

    from . import rules, services

    today = timezone.localdate(ctx.now)
    ctx.obj.reported_on = today
    due = rules.investigation_report_due(
        ctx.obj.investigated_on, services.policy(ctx.obj.center)["investigation_report_days"]
    )
    ctx.history_params.update({"report": ctx.fields["report"], "late": today > due})


def _close_complaint(ctx):
    from django.utils import timezone

    from . import rules, services

    today = timezone.localdate(ctx.now)
    ctx.obj.closed_on = today
    overdue = rules.complaint_overdue(
        ctx.obj.accepted_on, today, today, services.policy(ctx.obj.center)["complaint_close_days"]
    )
    ctx.history_params.update({"result": ctx.fields["result"], "overdue": overdue})


def _review_month(ctx):
    from django.utils import timezone

    ctx.obj.reviewed_on = timezone.localdate(ctx.now)
    _record(ctx)


def _complaint_history(ctx):
    from .models import ComplaintEvent

    ComplaintEvent.objects.create(
        complaint=ctx.obj,
        code=f"{ctx.machine.name}.transition.{ctx.transition.name}",
        params=ctx.history_params,
        from_state=ctx.before,
        to_state=ctx.obj.state,
        actor=ctx.scope.staff,
        at=ctx.now,
    )


COMPLAINT = Machine(
    "shop.complaint",
    transitions=(
        Transition(
            "investigate",
            src={"accepted"},
            dst="investigating",
            roles=AFTER_SALES,
            allows=("note",),
            effect=_investigate,
            seed="002:L126-129",
        ),
        Transition(
            "report",
            src={"investigating"},
            dst="reported",
            roles=AFTER_SALES,
            requires=("report",),
            effect=_report,
            seed="002:L141",
        ),
        Transition(
            "close",
            src={"reported"},
            dst="closed",
            roles=AFTER_SALES,
            requires=("result",),
            effect=_close_complaint,
            seed="002:L148",
        ),
        Transition(
            "review",
            src={"closed"},
            dst="reviewed",
            roles={Role.MANAGER},
            allows=("note",),
            effect=_review_month,
            seed="002:L160",
        ),
    ),
    fields={
        "note": FieldSpec("shop.case.field.note", max_length=300),
        "report": FieldSpec("shop.complaint.field.report", max_length=2000),
        "result": FieldSpec("shop.complaint.field.result", max_length=500),
    },
    history=_complaint_history,
    audit_type="shop_complaint",
)
