"""The workflow kernel (kefu/workflow.py), the caller scope (kefu/scope.py) and messages as data (kefu/messages.py),
exercised on a toy machine over the work-order table (any model with a state, a version and a center would do)."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kefu.errors import Conflict, NotAllowed, NotFound, RuleViolation
from kefu.messages import Msg, render
from kefu.org.roles import Role
from kefu.scope import scope_of
from kefu.workflow import FieldSpec, Machine, Party, Transition, available, fire

HISTORY: list[tuple] = []


def _parties(scope, order):
    found = set()
    if order.acceptor_id == scope.staff.pk:
        found.add(Party.SUBJECT)
    else:
        found.add(Party.NOT_REQUESTER)
    return found


def _guard_not_too_short(ctx):
    if len(ctx.fields.get("opinion", "")) < 2:
        return Msg("common.too_long", field_label="x", max=2, length=1)
    return None


def _effect(ctx):
    ctx.history_params["opinion"] = ctx.fields.get("opinion", "")


TOY = Machine(
    "tickets.toy",
    transitions=(
        Transition(
            "review",
            src={"accepted"},
            dst="reviewed",
            roles={Role.DISPATCHER, Role.SUPERVISOR},
            requires=("opinion",),
            allows=("flag",),
            guard=_guard_not_too_short,
            effect=_effect,
        ),
        Transition("withdraw", src={"accepted", "reviewed"}, dst="cancelled", parties={Party.SUBJECT}),
        Transition(
            "approve", src={"reviewed"}, dst="processing", roles={Role.SUPERVISOR}, parties={Party.NOT_REQUESTER}
        ),
    ),
    fields={
        "opinion": FieldSpec("tickets.toy.field.opinion", max_length=5),
        "flag": FieldSpec("tickets.toy.field.flag", kind="choice", choices=("red", "blue")),
    },
    history=lambda ctx: HISTORY.append((ctx.transition.name, ctx.before, ctx.obj.state, dict(ctx.history_params))),
    audit_type="order",
    party_of=_parties,
)


LOCKS_SEEN: list[tuple] = []


def _link_locks(scope, obj, raw):
    """The rows a link also writes: the other order the field names and, to see the table order, the caller's center."""
    LOCKS_SEEN.append((type(obj).__name__, obj.pk, dict(raw)))
    return [raw.get("other"), scope.center, None]


# A transition that touches a second row of the same table (as a merge touches its survivor) declares it in `locks`.
LINKED = Machine(
    "tickets.toy_link",
    transitions=(Transition("link", src={"accepted"}, dst="reviewed", requires=("other",), locks=_link_locks),),
    fields={"other": FieldSpec("tickets.toy.field.other", kind="any")},
)


@pytest.fixture
def people(center, make_staff):
    from kefu.org import services as org_services

    other = org_services.create_center("other", "另一中心")
    return {
        "agent": make_staff("agent", staff_no="2001"),
        "dispatcher": make_staff("dispatcher", staff_no="4001"),
        "supervisor": make_staff("supervisor", staff_no="5001"),
        "outsider": org_services.create_staff(
            other, staff_no="7001", name="外中心", roles=["supervisor"], username="u7001", password="Kefu-test-2026!"
        ),
    }


@pytest.fixture
def order(people):
    from kefu.tickets import services

    HISTORY.clear()
    return services.create_order(
        people["agent"].center,
        people["agent"],
        {
            "kind": "complaint",
            "phone": "13800138000",
            "customer_name": "张三",
            "subject": "话费多扣",
            "description": "本月话费比上月多扣了50元",
            "category": "tariff",
            "level": 2,
        },
    )


def test_fire_moves_writes_history_and_audit(people, order):
    from kefu.audit.models import AuditRecord

    scope = scope_of(people["dispatcher"])
    moved = fire(TOY, scope, order, "review", version=order.version, opinion="同意复核")
    moved.refresh_from_db()
    assert (moved.state, moved.version) == ("reviewed", order.version + 1)
    assert HISTORY == [("review", "accepted", "reviewed", {"opinion": "同意复核"})]
    assert AuditRecord.objects.filter(object_type="order", object_ids=str(order.pk), note="tickets.toy.review").exists()


@pytest.mark.parametrize(
    "who, name, raw, error, code",
    [
        ("agent", "review", {"opinion": "好的好"}, NotAllowed, "workflow.not_your_role"),
        ("dispatcher", "review", {}, RuleViolation, "common.required"),
        ("dispatcher", "review", {"opinion": "太长了太长了"}, RuleViolation, "common.too_long"),
        ("dispatcher", "review", {"opinion": "好的", "flag": "green"}, RuleViolation, "common.not_a_choice"),
        ("dispatcher", "review", {"opinion": "好的", "colour": "x"}, RuleViolation, "workflow.unexpected_field"),
        ("dispatcher", "review", {"opinion": "好"}, RuleViolation, "common.too_long"),  # the guard's problem
        ("dispatcher", "withdraw", {}, NotAllowed, "workflow.not_your_party"),
        ("dispatcher", "approve", {}, RuleViolation, "workflow.wrong_state"),
        ("dispatcher", "fly", {}, RuleViolation, "workflow.unknown_transition"),
    ],
)
def test_refusals_are_codes_and_change_nothing(people, order, who, name, raw, error, code):
    with pytest.raises(error) as refused:
        fire(TOY, scope_of(people[who]), order, name, version=order.version, **raw)
    assert refused.value.problems[0].rule == code
    order.refresh_from_db()
    assert (order.state, HISTORY) == ("accepted", [])


def test_stale_version_is_a_conflict(people, order):
    with pytest.raises(Conflict) as refused:
        fire(TOY, scope_of(people["dispatcher"]), order, "review", version=order.version - 1, opinion="好的")
    assert refused.value.problems[0].rule == "workflow.version_conflict"


def test_another_centers_caller_cannot_move_it(people, order):
    with pytest.raises(NotAllowed):
        fire(TOY, scope_of(people["outsider"]), order, "withdraw")


def test_nobody_approves_their_own_request(people, order, make_staff):
    own = make_staff("supervisor", staff_no="5002")
    from kefu.tickets.models import Order

    Order.objects.filter(pk=order.pk).update(state="reviewed", acceptor=own)
    order.refresh_from_db()
    with pytest.raises(NotAllowed) as refused:
        fire(TOY, scope_of(own), order, "approve")
    assert refused.value.problems[0].rule == "workflow.own_request"
    assert fire(TOY, scope_of(people["supervisor"]), order, "approve").state == "processing"


def test_available_offers_only_what_the_caller_may_fire(people, order):
    assert [t.name for t in available(TOY, scope_of(people["agent"]), order)] == ["withdraw"]
    assert [t.name for t in available(TOY, scope_of(people["dispatcher"]), order)] == ["review"]


def test_scope_filters_by_center_and_department(people, order):
    from kefu.tickets.models import Order

    inside, outside = scope_of(people["dispatcher"]), scope_of(people["outsider"])
    assert list(inside.filter(Order.objects.all())) == [order]
    assert list(outside.filter(Order.objects.all())) == []
    with pytest.raises(NotFound):
        outside.get(Order.objects.all(), "工单", pk=order.pk)


def test_messages_render_in_the_readers_language_with_labels_and_times():
    from datetime import datetime

    msg = Msg("workflow.wrong_state", action=Msg("scope.no_staff"), state="x")
    assert "不能执行此操作" in str(msg)
    assert Msg.from_data(msg.as_data()) == Msg(
        "workflow.wrong_state", action={"code": "scope.no_staff", "params": {}}, state="x"
    )
    with translation.override("zh-hans"):
        shown = render("common.too_long", {"field_label": "备注", "max": 10, "length": 12})
        conflict = render("workflow.version_conflict", {"current": 3, "given": 2})
    assert shown == "备注：最多 10 个字，当前 12 个字"
    assert conflict == "已被他人修改，请刷新后重试"  # a version counter is not for people to read
    assert render("no.such.code") == "no.such.code"
    when = datetime(2026, 12, 7, 6, 5, tzinfo=UTC)
    assert Msg("common.not_found", what=when).params["what"] == when


def _selects_of_orders_and_centers(queries) -> list[str]:
    """The SELECTs of the order and center tables, in the order they ran."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and ("tickets_order" in q["sql"] or "org_center" in q["sql"])
    ]


def test_declared_locks_are_taken_with_the_object_table_by_table_in_ascending_id_before_anything_is_read(people):
    """fire locks the rows a transition declares with its object, in one fixed order whoever fires it from which end:
    tables by name (org_center before tickets_order), ascending id within a table, before the object is read."""
    from kefu.tickets import services
    from kefu.tickets.models import Order

    body = {
        "kind": "complaint",
        "phone": "13800138000",
        "subject": "话费多扣",
        "description": "多扣50元",
        "category": "tariff",
        "level": 2,
    }
    low = services.create_order(people["agent"].center, people["agent"], body)
    high = services.create_order(people["agent"].center, people["agent"], body)
    LOCKS_SEEN.clear()
    scope = scope_of(people["dispatcher"])
    with CaptureQueriesContext(connection) as seen:
        moved = fire(LINKED, scope, Order(pk=high.pk), "link", version=1, other=low.pk)
    assert (moved.pk, moved.state, moved.version) == (high.pk, "reviewed", 2)
    assert LOCKS_SEEN == [("Order", high.pk, {"other": low.pk})]  # the stand-in and the fields as submitted
    selects = _selects_of_orders_and_centers(seen.captured_queries)
    center_lock, order_lock, load = selects[:3]
    assert "org_center" in center_lock and "tickets_order" not in center_lock
    assert "tickets_order" in order_lock and "ORDER BY" in order_lock and "ASC" in order_lock
    assert f"IN ({low.pk}, {high.pk})" in order_lock or f"IN ({high.pk}, {low.pk})" in order_lock
    assert "IN (" not in load and str(high.pk) in load  # then the object itself, read under those locks
    if connection.vendor == "postgresql":  # SQLite: the IMMEDIATE transaction already holds the write lock
        assert all("FOR UPDATE" in sql for sql in (center_lock, order_lock, load))


def test_a_declared_lock_naming_nothing_is_skipped_and_the_fields_say_what_is_wrong(people, order):
    LOCKS_SEEN.clear()
    with pytest.raises(RuleViolation) as refused:
        fire(LINKED, scope_of(people["dispatcher"]), order, "link", version=order.version)
    assert refused.value.problems[0].rule == "common.required"
    assert LOCKS_SEEN == [("Order", order.pk, {})]
    moved = fire(LINKED, scope_of(people["dispatcher"]), order, "link", version=order.version, other=10**9)
    assert moved.state == "reviewed"  # an id with no row locks nothing and stops nothing
