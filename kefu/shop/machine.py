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
    "requested", "awaiting_return", "in_transit", "received", "refunded", "reshipped", "exchanged", "compensated",
    "refused", "closed")
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
        return Msg("shop.case.amount_over_order", amount=amount, paid=ctx.obj.order.amount,
                   refunded=ctx.obj.refunded_amount)
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
    services.write_exchange_order(ctx.scope, ctx.obj, ctx.fields["tracking_no"], ctx.now)
    _record(ctx)


def _close(ctx):
    ctx.obj.closed_at = ctx.now
    _record(ctx)


def _history(ctx):
    from .models import CaseEvent

    CaseEvent.objects.create(case=ctx.obj, code=f"{ctx.machine.name}.transition.{ctx.transition.name}",
                             params=ctx.history_params, from_state=ctx.before, to_state=ctx.obj.state,
                             actor=ctx.scope.staff, at=ctx.now)


FIELDS = {
    "note": FieldSpec("shop.case.field.note", max_length=300),
    "reason": FieldSpec("shop.case.field.refuse_reason", max_length=300),
    "amount": FieldSpec("shop.case.field.amount", kind="decimal"),
    "tracking_no": FieldSpec("shop.case.field.tracking_no", max_length=40),
}

CASE = Machine(
    "shop.case",
    transitions=(
        Transition("accept", src={REQUESTED}, dst=AWAITING, roles=AFTER_SALES, allows=("note",), guard=_eligible,
                   effect=_accept, seed="003:L249"),
        Transition("refuse", src={REQUESTED}, dst=REFUSED, roles=AFTER_SALES, requires=("reason",), effect=_record,
                   seed="000:L244"),
        Transition("compensate", src={REQUESTED}, dst=COMPENSATED, roles=AFTER_SALES, requires=("amount",),
                   allows=("note",), guard=_money_guard, effect=_pay, seed="003:L244"),
        Transition("return_shipped", src={AWAITING}, dst=IN_TRANSIT, roles=FRONT, requires=("tracking_no",),
                   effect=_return_shipped, seed="003:L191"),
        Transition("receive", src={IN_TRANSIT}, dst=RECEIVED, roles=AFTER_SALES, allows=("note",), effect=_receive,
                   seed="003:L239"),
        Transition("refund", src={RECEIVED}, dst=REFUNDED, roles=AFTER_SALES, requires=("amount",), allows=("note",),
                   guard=_money_guard, effect=_pay, seed="003:L239"),
        Transition("reship", src={AWAITING, IN_TRANSIT, RECEIVED}, dst=RESHIPPED, roles=AFTER_SALES,
                   requires=("tracking_no",), allows=("note",), effect=_reship, seed="003:L196-203"),
        Transition("exchange", src={AWAITING, IN_TRANSIT, RECEIVED}, dst=EXCHANGED, roles=AFTER_SALES,
                   requires=("tracking_no",), allows=("note",), effect=_exchange, seed="003:L249"),
        Transition("close", src={REFUNDED, RESHIPPED, EXCHANGED, COMPENSATED}, dst=CLOSED, roles=AFTER_SALES,
                   allows=("note",), effect=_close),
    ),
    fields=FIELDS,
    party_of=_parties,
    history=_history,
    audit_type="shop_case",
)
