"""The work-order state machine, declared once on the workflow kernel (kefu/workflow.py).

Synthesised from the textbook's complaint flow (004:L2033-2129), appeals (004:L2135-2171) and provincial
coordination (004:L2173-2219). Each transition is one entry in TRANSITIONS: who fires it (roles, and the order's
department for the department's work), the fields it requires and allows, the kinds it applies to, a precondition on
the order alone, a guard on the typed fields and its effect on the order. `kefu.workflow.fire` applies it (through
`kefu.tickets.services.transition`); nothing else writes an order's state. Adding a transition: docs/workflows.md.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from kefu.errors import Problem, RuleViolation
from kefu.messages import Msg
from kefu.org.roles import Role
from kefu.tickets.messages import MESSAGES
from kefu.workflow import STAY, Context, FieldSpec, Machine, Party, Transition

# --- states ---------------------------------------------------------------------------------------
ACCEPTED = "accepted"
REVIEWED = "reviewed"
VERIFYING = "verifying"
PROCESSING = "processing"
RESOLVED = "resolved"
REPLIED = "replied"
ARCHIVED = "archived"
CANCELLED = "cancelled"
MERGED = "merged"  # a duplicate merged into another order of the same matter (issue 17): final, points at it

# The model's choices take their labels from the catalogue (the msgids); pages render them in the reader's language.
STATES: dict[str, str] = {
    s: MESSAGES[f"tickets.order.state.{s}"]
    for s in (ACCEPTED, REVIEWED, VERIFYING, PROCESSING, RESOLVED, REPLIED, ARCHIVED, CANCELLED, MERGED)
}
OPEN_STATES = frozenset({ACCEPTED, REVIEWED, VERIFYING, PROCESSING, RESOLVED})
# The resolution clock stops at the reply to the customer (004:L1293).
CLOCK_STOPPED = frozenset({REPLIED, ARCHIVED, CANCELLED, MERGED})
# The dispatcher's desk: review, dispatch and verification (004:L2055, L2077, L2155). A dispatcher takes an order
# there ("我来处理"); the dispatch hands it to the department, whose member takes it in turn (004:L2089).
DESK_STATES = frozenset({ACCEPTED, REVIEWED, VERIFYING})

# --- kinds ----------------------------------------------------------------------------------------
CONSULTATION, COMPLAINT, SUGGESTION, APPEAL, COORDINATION = (
    "consultation",
    "complaint",
    "suggestion",
    "appeal",
    "coordination",
)
KINDS: dict[str, str] = {
    k: MESSAGES[f"tickets.kind.{k}"] for k in (CONSULTATION, COMPLAINT, SUGGESTION, APPEAL, COORDINATION)
}
ORDINARY_KINDS = frozenset({CONSULTATION, COMPLAINT, SUGGESTION})

SATISFACTION = {k: MESSAGES[f"tickets.satisfaction.{k}"] for k in ("satisfied", "dissatisfied")}
# The telecom textbook's categories (004:L2001, L2055), whose catalogue labels show rows stored before categories
# became the center's policy data (kefu/tickets/policy.py "categories").
CATEGORIES = ("tariff", "service", "network", "business", "other")
COMPLAINANT_TYPES = ("ordinary", "key_account", "distributor")  # Order.ComplainantType (004:L2001, L2055)

DISPATCHERS = frozenset({Role.DISPATCHER, Role.SUPERVISOR})
HANDLERS = frozenset({Role.DEPT_HANDLER})
REPLIERS = frozenset({Role.AGENT, Role.SENIOR_AGENT, Role.DISPATCHER, Role.SUPERVISOR})
FRONT = frozenset({Role.AGENT, Role.SENIOR_AGENT, Role.SUPERVISOR})


# --- fields that need the order or the time to be read ------------------------------------------------------------
def _label(name: str) -> Msg:
    return Msg(f"tickets.field.{name}")


def parse_bool(name: str):
    def parse(order, value, now):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "on", "1", "yes", "是"):
            return True
        if isinstance(value, str) and value.lower() in ("false", "off", "0", "no", "否"):
            return False
        return Problem.of("tickets.field.not_bool", field=name, field_label=_label(name))

    return parse


def parse_future_moment(name: str):
    """A date-time after now (a handling deadline); 2026-02-30T10:00 is named, never a 500 (issue 12)."""

    def parse(order, value, now):
        from kefu.web.inputs import parse_moment

        if isinstance(value, str):
            parsed = parse_moment(value, str(_label(name)), field=name)  # raises RuleViolation naming the value
            if parsed is None:
                return Problem.of("tickets.field.not_datetime", field=name, field_label=_label(name))
            value = parsed
        if not isinstance(value, datetime):
            return Problem.of("tickets.field.not_datetime", field=name, field_label=_label(name))
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        if value <= now:
            return Problem.of("tickets.field.not_future", field=name, field_label=_label(name))
        return value

    return parse


def parse_department(name: str):
    """A department of the order's center, by id, code or object; another center's is unknown."""

    def parse(order, value, now):
        from kefu.org.models import Department

        if isinstance(value, Department):
            found = value if value.center_id == order.center_id else None
        else:
            qs = Department.objects.filter(center_id=order.center_id)
            text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
            found = (
                (qs.filter(pk=int(text)).first() if text.isdigit() else qs.filter(code=text).first()) if text else None
            )
        if found is None:
            return Problem.of(
                "tickets.field.department_unknown", field=name, field_label=_label(name), value=str(value)[:30]
            )
        return found

    return parse


def parse_category(order, value, now):
    """One of the center's active categories (policy data); kept with its labels so history shows what it was."""
    from kefu.tickets.services import active_categories, category_text, policy

    active = active_categories(policy(order.center))
    if not isinstance(value, str) or value not in active:
        return Problem.of(
            "tickets.create.category_unknown",
            field="category",
            value=str(value)[:40],
            choices=[category_text(code, cat) for code, cat in active.items()],
        )
    return {"code": value, "name": active[value]["name"], "name_en": active[value].get("name_en", "")}


def parse_level(order, value, now):
    """Complaint levels 1-4 (004:L1293-1299)."""
    try:
        if isinstance(value, float | bool):
            raise ValueError
        level = int(value)
    except (TypeError, ValueError):
        return Problem.of("tickets.field.level_not_int", field="level")
    if level not in (1, 2, 3, 4):
        return Problem.of("tickets.field.level_range", field="level")
    return level


def parse_survivor(order, value, now):
    """The order a duplicate is merged into: one of the duplicate's center (another center's number is not found),
    not the duplicate itself, still open and not itself merged (no chains)."""
    from kefu.tickets.models import Order

    found = _survivor(Order.objects.filter(center_id=order.center_id).select_related("merged_into"), value)
    if found is None:
        return Problem.of("tickets.merge.not_found", field="into", value=str(value)[:30])
    if found.pk == order.pk:
        return Problem.of("tickets.merge.itself", field="into")
    if found.state == MERGED:
        return Problem.of(
            "tickets.merge.chain",
            field="into",
            number=found.number,
            survivor=found.merged_into.number if found.merged_into_id else "",
        )
    if found.state not in OPEN_STATES:
        return Problem.of(
            "tickets.merge.closed", field="into", number=found.number, state=Msg(f"tickets.order.state.{found.state}")
        )
    return found


def _survivor(qs, value):
    """The order `value` names in `qs`: by its number, else by its id."""
    text = str(value).strip().upper() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not text:
        return None
    return qs.filter(number=text).first() or (qs.filter(pk=int(text)).first() if text.isdigit() else None)


def survivor_lock(scope, order, raw) -> list:
    """What a merge locks besides the duplicate: the survivor the typed `into` names in the caller's center (its id
    only; parse_survivor reads and checks it once it is locked)."""
    from kefu.tickets.models import Order

    found = _survivor(Order.objects.filter(center_id=scope.center.pk).only("pk"), raw.get("into"))
    return [found.pk] if found is not None else []


def _text(name: str, max_length: int) -> FieldSpec:
    return FieldSpec(f"tickets.field.{name}", "text", max_length=max_length)


def _choice(name: str, choices) -> FieldSpec:
    return FieldSpec(f"tickets.field.{name}", "choice", choices=tuple(choices))


FIELDS: dict[str, FieldSpec] = {
    "review_opinion": _text("review_opinion", 500),
    "is_invalid": FieldSpec("tickets.field.is_invalid", "bool", parse=parse_bool("is_invalid")),
    "category": FieldSpec("tickets.field.category", "category", parse=parse_category),
    "complainant_type": _choice("complainant_type", COMPLAINANT_TYPES),
    "level": FieldSpec("tickets.field.level", "level", parse=parse_level),
    "dispatch_opinion": _text("dispatch_opinion", 500),
    "department": FieldSpec("tickets.field.department", "department", parse=parse_department("department")),
    "station": _text("station", 50),
    "handling_deadline": FieldSpec(
        "tickets.field.handling_deadline", "datetime", parse=parse_future_moment("handling_deadline")
    ),
    "result": _text("result", 1000),
    "cause": _text("cause", 500),
    "overdue_reason": _text("overdue_reason", 500),
    "return_reason": _text("return_reason", 500),
    "transfer_reason": _text("transfer_reason", 500),
    "reply_opinion": _text("reply_opinion", 1000),
    "satisfaction": _choice("satisfaction", SATISFACTION),
    "final_reply": _text("final_reply", 1000),
    "analysis": _text("analysis", 2000),
    "is_typical": FieldSpec("tickets.field.is_typical", "bool", parse=parse_bool("is_typical")),
    "case_title": _text("case_title", 100),
    "case_tags": _text("case_tags", 100),
    "verification_request": _text("verification_request", 1000),
    "verification_result": _text("verification_result", 1000),
    "arbitration_result": _choice("arbitration_result", ("verified", "not_verified")),
    "report": _text("report", 2000),
    "note": _text("note", 500),
    # merging a duplicate: the surviving order, by number or id, of the same center and still open
    "into": FieldSpec("tickets.field.into", "order", parse=parse_survivor),
    # splitting an order: the new order's matter; its kind, category, department and level default to the original's
    "subject": _text("subject", 100),
    "description": _text("description", 4000),
    "kind": _choice("kind", KINDS),
}


# --- preconditions (the order alone) and guards (the typed fields) -------------------------------------------------
def _past_due(order, now) -> bool:
    from kefu.tickets import rules

    return order.is_overdue or rules.past_due(
        order.state not in CLOCK_STOPPED, order.due_at, order.handling_deadline, order.state == PROCESSING, now
    )


def is_overdue(order, now):
    if not _past_due(order, now):
        return Problem.of("tickets.overdue.not_overdue", field="overdue_reason")


def dissatisfied(order, now):  # 004:L2127
    if order.satisfaction != "dissatisfied":
        return Problem.of("tickets.redispatch.not_dissatisfied", field="name")


def appeal_not_new(order, now):  # 004:L2153
    if order.appeal_is_new:
        return Problem.of("tickets.appeal.must_verify", field="name")


def appeal_new(order, now):  # 004:L2153-2155
    if not order.appeal_is_new:
        return Problem.of("tickets.appeal.no_verify", field="name")


def unclaimed(order, now):
    """Only an order nobody of its department has taken yet may be claimed ("我来处理")."""
    from kefu.org.models import Staff

    # A dispatch clears the handler; a transfer leaves the sender (of the former department) as it.
    if order.handler_id and Staff.objects.filter(pk=order.handler_id, department_id=order.department_id).exists():
        return Problem.of("tickets.claim.taken", field="name")


def desk_untaken(order, now):
    """A dispatcher takes an order at the desk only while no one has taken it there ("我来处理", 004:L2055)."""
    if order.claimed_by_id:
        return Problem.of("tickets.take.taken", field="name")


def kind_offered(ctx: Context):
    """The new order of a split takes a kind the center accepts (its policy's kinds)."""
    from kefu.tickets.services import policy

    kind = ctx.fields.get("kind")
    offered = policy(ctx.obj.center)["kinds"]
    if kind and kind not in offered:
        return Problem.of(
            "tickets.create.kind_not_offered",
            field="kind",
            kind=Msg(f"tickets.kind.{kind}"),
            choices=[Msg(f"tickets.kind.{k}") for k in offered],
        )


def overdue_needs_reason(ctx: Context):  # 004:L2097
    if _past_due(ctx.obj, ctx.now) and not (ctx.fields.get("overdue_reason") or ctx.obj.overdue_reason):
        return Problem.of("tickets.overdue.reason_required", field="overdue_reason")


def final_reply_if_dissatisfied(ctx: Context):  # 004:L2127: the final reply happens at closure; 004:L2171 cases
    if ctx.obj.satisfaction == "dissatisfied" and not ctx.fields.get("final_reply"):
        return Problem.of("tickets.archive.final_reply_required", field="final_reply")
    if ctx.fields.get("is_typical") and not ctx.fields.get("case_title"):
        return Problem.of("tickets.archive.case_title_required", field="case_title")


# --- effects: what each transition writes on the order -------------------------------------------------------------
def _actor(ctx: Context):
    return ctx.scope.staff


def _level_change(ctx: Context) -> None:
    """A changed level recomputes the deadline from the original acceptance time (requirements-D §4.1)."""
    from kefu.tickets.services import resolution_due

    order, level = ctx.obj, ctx.fields.get("level")
    if level and level != order.level:
        order.level = level
        order.due_at = resolution_due(order.center, order.kind, level, order.accepted_at)
        if level == 3:
            order.is_cross_province = True


def _reply(ctx: Context) -> None:  # 004:L2115-2117
    order, now = ctx.obj, ctx.now
    order.reply_opinion = ctx.fields["reply_opinion"]
    order.last_replied_at = order.due_met_at = now
    order.reply_count += 1
    order.feedback_giver = _actor(ctx)
    if "satisfaction" in ctx.fields:
        order.satisfaction = ctx.fields["satisfaction"]
    if order.replied_at is None:
        order.replied_at = now
    if order.promise_due_at and order.promise_met_at is None:
        order.promise_met_at = now


def _dispatch(ctx: Context) -> None:
    from kefu.tickets.services import route_deadline

    order, dept = ctx.obj, ctx.fields.get("department")
    if dept is None:  # the flow template of the category, as the order was created with it, decides (004:L2075)
        dept = order.route_department
        if dept is None:
            raise RuleViolation.of("tickets.dispatch.no_template", field="department")
    order.dispatch_opinion = ctx.fields["dispatch_opinion"]
    order.department, order.station = dept, ctx.fields.get("station", "")
    # The dispatcher's deadline, else the routed department's time limit when the order is sent there.
    order.handling_deadline = ctx.fields.get("handling_deadline") or (
        route_deadline(order, ctx.now) if dept.pk == order.route_department_id else None
    )
    order.dispatcher, order.dispatched_at = _actor(ctx), ctx.now
    order.handler = None  # a dispatched order waits for someone of the department to take it ("我来处理")
    order.claimed_by = None  # it has left the dispatcher's desk


def _review(ctx: Context) -> None:  # 004:L2055
    order = ctx.obj
    order.review_opinion, order.reviewer, order.reviewed_at = ctx.fields["review_opinion"], _actor(ctx), ctx.now
    if ctx.fields.get("complainant_type"):
        order.complainant_type = ctx.fields["complainant_type"]
    category = ctx.fields.get("category")
    if category and category["code"] != order.category:  # reclassified: routed by today's policy for the new one
        from kefu.tickets.services import policy, route_of

        for key, value in route_of(order.center, category["code"], policy(order.center)).items():
            setattr(order, key, value)
    if ctx.fields.get("complainant_type") == "key_account":
        order.is_key_account = True
    _level_change(ctx)


def _cancel(ctx: Context) -> None:  # 004:L2063
    _review(ctx)
    ctx.obj.is_invalid = True


def _resolve(ctx: Context) -> None:  # 004:L2089
    order = ctx.obj
    order.result, order.cause, order.handler, order.processed_at = (
        ctx.fields["result"],
        ctx.fields["cause"],
        _actor(ctx),
        ctx.now,
    )
    if ctx.fields.get("overdue_reason"):
        order.overdue_reason = ctx.fields["overdue_reason"]


def _return(ctx: Context) -> None:  # 004:L2097
    ctx.obj.return_reason, ctx.obj.handler = ctx.fields["return_reason"], _actor(ctx)


def _transfer(ctx: Context) -> None:  # 004:L2105
    order = ctx.obj
    order.transfer_reason, order.station = ctx.fields["transfer_reason"], ctx.fields["station"]
    order.department, order.handling_deadline = ctx.fields["department"], ctx.fields["handling_deadline"]
    order.handler = _actor(ctx)
    _level_change(ctx)


def _claim(ctx: Context) -> None:  # issue 17: "assign to me" at the department
    ctx.obj.handler = _actor(ctx)


def _take(ctx: Context) -> None:  # 004:L2055, L2077: the dispatcher who reviews and dispatches it
    ctx.obj.claimed_by = _actor(ctx)


def _merge(ctx: Context) -> None:
    from kefu.tickets.services import merge_into

    merge_into(ctx)


def _split(ctx: Context) -> None:
    from kefu.tickets.services import split_off

    split_off(ctx)


def _explain_overdue(ctx: Context) -> None:
    ctx.obj.overdue_reason = ctx.fields["overdue_reason"]


def _archive(ctx: Context) -> None:  # 004:L2171, L2219: typical cases go to the case library
    from kefu.tickets.models import TypicalCase

    order = ctx.obj
    order.analysis, order.archived_at, order.is_typical = (
        ctx.fields["analysis"],
        ctx.now,
        bool(ctx.fields.get("is_typical")),
    )
    if ctx.fields.get("final_reply"):
        order.final_reply = ctx.fields["final_reply"]
    if order.is_typical:
        case = TypicalCase(
            order=order,
            title=ctx.fields["case_title"],
            summary=order.description[:2000],
            analysis=ctx.fields["analysis"],
            category=order.category,
            tags=ctx.fields.get("case_tags", ""),
            created_by=_actor(ctx),
        )
        case.save()


def _appeal_verify(ctx: Context) -> None:  # 004:L2155
    order = ctx.obj
    order.verification_request, order.reviewer, order.reviewed_at = (
        ctx.fields["verification_request"],
        _actor(ctx),
        ctx.now,
    )
    if ctx.fields.get("department"):
        order.department = ctx.fields["department"]


def _appeal_reject(ctx: Context) -> None:  # 004:L2167: cancel + reply + archive + written report
    order = ctx.obj
    order.verification_result, order.arbitration_result = ctx.fields["verification_result"], "not_verified"
    order.report, order.archived_at, order.is_invalid = ctx.fields["report"], ctx.now, True
    _reply(ctx)


def _appeal_dispatch(ctx: Context) -> None:  # 004:L2157
    ctx.obj.verification_result, ctx.obj.arbitration_result = ctx.fields["verification_result"], "verified"
    _dispatch(ctx)


def _coordinate(ctx: Context) -> None:  # 004:L2179: feedback deadline; forwarding checked until success (004:L2177)
    _dispatch(ctx)
    ctx.obj.forwarding_status = "forwarded"


# --- the transitions -----------------------------------------------------------------------------------------------
def T(name, src, dst, roles, *, requires=(), allows=(), kinds=KINDS, at_department=False, **kw) -> Transition:
    """A work-order transition: every one also allows a note; `at_department`: only the order's department fires it."""
    return Transition(
        name,
        src=src,
        dst=dst,
        roles=roles,
        requires=tuple(requires),
        allows=(*allows, "note"),
        variants=frozenset(kinds),
        parties={Party.DEPARTMENT} if at_department else {Party.ANYONE},
        **kw,
    )


TRANSITIONS: list[Transition] = [
    # Answer at once during the call (004:L2011); a reply needs opinion + satisfaction (004:L2115-2117).
    T(
        "answer",
        ACCEPTED,
        REPLIED,
        FRONT,
        requires=("reply_opinion", "satisfaction"),
        kinds=ORDINARY_KINDS,
        effect=_reply,
        seed="004:L2011",
    ),
    # Review: classification may be corrected; distributor type is added here (004:L2055).
    T(
        "review",
        ACCEPTED,
        REVIEWED,
        DISPATCHERS,
        requires=("review_opinion",),
        allows=("category", "complainant_type", "level"),
        kinds=ORDINARY_KINDS,
        effect=_review,
        seed="004:L2055",
    ),
    # Invalid complaints are cancelled at review (004:L2055-2063).
    T(
        "cancel",
        ACCEPTED,
        CANCELLED,
        DISPATCHERS,
        requires=("review_opinion",),
        kinds=ORDINARY_KINDS,
        effect=_cancel,
        seed="004:L2063",
    ),
    # Dispatch needs a dispatch opinion (004:L2077); the flow template gives the default department (004:L2075).
    T(
        "dispatch",
        REVIEWED,
        PROCESSING,
        DISPATCHERS,
        requires=("dispatch_opinion",),
        allows=("department", "station", "handling_deadline"),
        effect=_dispatch,
        seed="004:L2077",
    ),
    # Processing at the department (004:L2089, L2097, L2105).
    T(
        "resolve",
        PROCESSING,
        RESOLVED,
        HANDLERS,
        requires=("result", "cause"),
        allows=("overdue_reason",),
        at_department=True,
        guard=overdue_needs_reason,
        effect=_resolve,
        seed="004:L2089",
    ),
    T(
        "return",
        PROCESSING,
        REVIEWED,
        HANDLERS,
        requires=("return_reason",),
        at_department=True,
        effect=_return,
        seed="004:L2097",
    ),
    T(
        "transfer",
        PROCESSING,
        PROCESSING,
        HANDLERS,
        requires=("transfer_reason", "station", "department", "handling_deadline"),
        allows=("level",),
        at_department=True,
        effect=_transfer,
        seed="004:L2105",
    ),
    # "我来处理": a member of the department that received the dispatch (004:L2089) takes an order nobody there has
    # taken yet (issue 17, item 2).
    T(
        "claim",
        PROCESSING,
        PROCESSING,
        HANDLERS,
        at_department=True,
        precondition=unclaimed,
        effect=_claim,
        seed="004:L2089",
    ),
    T(
        "explain_overdue",
        PROCESSING,
        PROCESSING,
        HANDLERS,
        requires=("overdue_reason",),
        at_department=True,
        precondition=is_overdue,
        effect=_explain_overdue,
        seed="004:L2097",
    ),
    # Reply to the customer with opinion and satisfaction (004:L2115-2117).
    T(
        "reply",
        RESOLVED,
        REPLIED,
        REPLIERS,
        requires=("reply_opinion", "satisfaction"),
        effect=_reply,
        seed="004:L2117",
    ),
    # Dissatisfied customer: dispatch again; many reply rounds are allowed (004:L2127).
    T(
        "redispatch",
        REPLIED,
        PROCESSING,
        DISPATCHERS,
        requires=("dispatch_opinion",),
        allows=("department", "station", "handling_deadline"),
        precondition=dissatisfied,
        effect=_dispatch,
        seed="004:L2127",
    ),
    # Archive with analysis; typical cases go to the case library (004:L2171, L2219).
    T(
        "archive",
        REPLIED,
        ARCHIVED,
        DISPATCHERS,
        requires=("analysis",),
        allows=("is_typical", "case_title", "case_tags", "final_reply"),
        guard=final_reply_if_dissatisfied,
        effect=_archive,
        seed="004:L2171",
    ),
    # Appeals (004:L2153-2167): an appeal that is not new goes straight to the reply.
    T(
        "appeal_reply",
        ACCEPTED,
        REPLIED,
        DISPATCHERS,
        requires=("reply_opinion", "satisfaction"),
        kinds={APPEAL},
        precondition=appeal_not_new,
        effect=_reply,
        seed="004:L2153",
    ),
    T(
        "appeal_verify",
        ACCEPTED,
        VERIFYING,
        DISPATCHERS,
        requires=("verification_request",),
        allows=("department",),
        kinds={APPEAL},
        precondition=appeal_new,
        effect=_appeal_verify,
        seed="004:L2155",
    ),
    # Not verified: cancelled, replied and archived at once, with the written report (004:L2167).
    T(
        "appeal_reject",
        VERIFYING,
        ARCHIVED,
        DISPATCHERS,
        requires=("verification_result", "reply_opinion", "report"),
        allows=("satisfaction",),
        kinds={APPEAL},
        effect=_appeal_reject,
        seed="004:L2167",
    ),
    # Verified: dispatch with the provincial opinion and a deadline (004:L2157).
    T(
        "appeal_dispatch",
        VERIFYING,
        PROCESSING,
        DISPATCHERS,
        requires=("verification_result", "dispatch_opinion", "department", "handling_deadline"),
        allows=("station",),
        kinds={APPEAL},
        effect=_appeal_dispatch,
        seed="004:L2157",
    ),
    # Coordination orders go to a department with a feedback deadline (004:L2179).
    T(
        "coordinate",
        ACCEPTED,
        PROCESSING,
        DISPATCHERS,
        requires=("dispatch_opinion", "department", "handling_deadline"),
        allows=("station",),
        kinds={COORDINATION},
        effect=_coordinate,
        seed="004:L2179",
    ),
    # "我来处理" at the dispatcher's desk: the dispatcher who reviews and dispatches the order takes it (004:L2055,
    # L2077); it stays in its state, and the dispatch hands it to the department.
    T("take", DESK_STATES, STAY, DISPATCHERS, precondition=desk_untaken, effect=_take, seed="004:L2055"),
    # Duplicates (issue 17): a second order of the same matter is merged into the surviving one of the same center,
    # both open; the survivor takes its description, the earlier deadline and the higher priority (a repeat is
    # handled first, 004:L2013), and both keep a history line pointing at the other.
    T(
        "merge",
        OPEN_STATES,
        MERGED,
        DISPATCHERS,
        requires=("into",),
        locks=survivor_lock,
        effect=_merge,
        seed="004:L2013",
    ),
    # One order holding two matters: the second becomes a new order of the same customer and channel, counted from
    # the same acceptance (004:L1293-1299); the original stays where it is.
    T(
        "split",
        OPEN_STATES,
        STAY,
        DISPATCHERS,
        requires=("subject", "description"),
        allows=("kind", "category", "department", "level"),
        guard=kind_offered,
        effect=_split,
        seed="004:L2003",
    ),
]
BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def parties(scope, order) -> set[Party]:
    """A department handler is the order's department party when the order sits with their department."""
    staff = scope.staff
    return {Party.DEPARTMENT} if order.department_id and staff.department_id == order.department_id else set()


def _load(scope, order):
    """The order with its center and department, locked; None for another center's order (404)."""
    from kefu.tickets.services import lock_order

    return lock_order(order.pk, scope.center)


# The line under a transition's history row that names the other order (its parameters come from the effect).
HISTORY_NOTES = {"merge": "tickets.event.merged_note", "split": "tickets.event.split_note"}


def _history(ctx: Context) -> None:
    """One history row per transition: its code, who (by staff number), from and to, the typed values as data."""
    from kefu.tickets.models import OrderEvent

    staff, fields = ctx.scope.staff, ctx.fields
    params = dict(ctx.history_params)
    note_code = HISTORY_NOTES.get(ctx.transition.name, "") if params else ""
    OrderEvent.objects.create(
        order=ctx.obj,
        at=ctx.now,
        actor=staff,
        staff_no=staff.staff_no,
        name=ctx.transition.name,
        code=f"{MACHINE.name}.transition.{ctx.transition.name}",
        params=params,
        note_code=note_code,
        from_state=ctx.before,
        to_state=ctx.transition.dst or ctx.before,
        note=fields.get("note", ""),
        fields=event_fields({k: v for k, v in fields.items() if k != "note"}),
    )


def event_fields(fields: dict) -> dict:
    """Typed values as JSON: a department as its id, code and name, a time as ISO (shown in local time)."""
    from kefu.org.models import Department

    out = {}
    for key, value in fields.items():
        if isinstance(value, Department):
            out[key] = {"id": value.pk, "code": value.code, "name": value.name}
        elif hasattr(value, "number") and hasattr(value, "state"):  # an order (the survivor of a merge)
            out[key] = {"id": value.pk, "number": value.number}
        elif isinstance(value, datetime):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


MACHINE = Machine(
    "tickets.order",
    transitions=TRANSITIONS,
    fields=FIELDS,
    party_of=parties,
    history=_history,
    audit_type="tickets.order",
    load=_load,
    noun="tickets.noun.order",
    required_code="tickets.field.required",
    variant_of=lambda order: order.kind,
    variant_labels="tickets.kind",
    variant_code="tickets.kind.not_applicable",
)


# --- compensation (002:L150-158): requested by anyone who may, decided by the tier's approver, never the requester --
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


def compensation_parties(scope, comp) -> set[Party]:
    """Nobody approves their own request: the requester is not the NOT_REQUESTER party (issue 13's breach)."""
    return set() if comp.requested_by_id == scope.staff.pk else {Party.NOT_REQUESTER}


def approver_tier(ctx: Context):
    """The amount's tier decides who approves (002:L150-158): the policy lists the roles of each tier."""
    from kefu.errors import NotAllowed
    from kefu.tickets.services import policy

    comp = ctx.obj
    allowed = set(policy(comp.order.center)["compensation"]["roles"][comp.approver])
    if not {r.value for r in ctx.scope.roles} & allowed:
        raise NotAllowed(
            Msg(
                "tickets.compensation.wrong_approver",
                amount=comp.amount,
                approver=Msg(f"tickets.approver.{comp.approver}"),
            ),
            rule="permission",
        )


def _decide(ctx: Context) -> None:
    comp = ctx.obj
    comp.decided_by, comp.decided_at, comp.decision_note = ctx.scope.staff, ctx.now, ctx.fields.get("note", "")


def _load_compensation(scope, comp):
    from kefu.tickets.models import Compensation

    return (
        Compensation.objects.select_for_update(of=("self",))
        .select_related("order__center")
        .filter(pk=comp.pk, order__center=scope.center)
        .first()
    )


def _compensation_history(ctx: Context) -> None:
    from kefu.tickets.services import _event

    comp = ctx.obj
    _event(
        comp.order,
        ctx.now,
        "compensation",
        "tickets.event.compensation_decided",
        "tickets.event.compensation_decided_note",
        actor=ctx.scope.staff,
        state=Msg(f"tickets.compensation.state.{comp.state}"),
        amount=comp.amount,
    )


def _decision(name: str, dst: str) -> Transition:
    return Transition(
        name,
        src={PENDING},
        dst=dst,
        parties={Party.NOT_REQUESTER},
        allows=("note",),
        guard=approver_tier,
        effect=_decide,
        seed="002:L150-158",
    )


COMPENSATION = Machine(
    "tickets.compensation",
    transitions=[_decision("approve", APPROVED), _decision("reject", REJECTED)],
    fields={"note": FieldSpec("tickets.compensation.field.note", max_length=300)},
    version_attr=None,
    party_of=compensation_parties,
    center_of=lambda comp: comp.order.center_id,
    load=_load_compensation,
    noun="tickets.noun.compensation",
    history=_compensation_history,
    audit_type="tickets.compensation",
)


def holder(order):
    """Who holds the order now (当前处理人): at the department, the member who took it; at the dispatcher's desk, the
    dispatcher who took it; None when nobody has (or at a step nobody holds: awaiting the reply, closed)."""
    if order.state == PROCESSING:
        handler = order.handler
        return handler if handler is not None and handler.department_id == order.department_id else None
    if order.state in DESK_STATES:
        return order.claimed_by
    return None


def label_of(state: str) -> str:
    return str(Msg(f"tickets.order.state.{state}"))
