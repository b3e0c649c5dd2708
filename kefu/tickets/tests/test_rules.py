"""Pure rules and the declared machine, without a database (hypothesis where it fits)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kefu.tickets import machine, rules
from kefu.workflow import STAY

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_compensation_tiers_hand_computed():
    # 002:L150-158: < 1000 sales manager, 1000-5000 deputy GM, > 5000 GM (boundaries in the middle tier)
    assert rules.approver_for(Decimal("999.99"), 1000, 5000) == "sales_manager"
    assert rules.approver_for(Decimal("1000"), 1000, 5000) == "deputy_gm"
    assert rules.approver_for(Decimal("5000"), 1000, 5000) == "deputy_gm"
    assert rules.approver_for(Decimal("5000.01"), 1000, 5000) == "gm"


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999"), places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999"), places=2),
)
def test_compensation_tier_is_monotonic(a, b):
    order = {"sales_manager": 0, "deputy_gm": 1, "gm": 2}
    lo, hi = sorted((a, b))
    assert order[rules.approver_for(lo, 1000, 5000)] <= order[rules.approver_for(hi, 1000, 5000)]


def test_past_due_boundaries():
    due = T0 + timedelta(hours=2)
    assert not rules.past_due(True, due, None, False, due)  # exactly at the deadline: still in time
    assert rules.past_due(True, due, None, False, due + timedelta(seconds=1))
    assert not rules.past_due(False, due, None, False, due + timedelta(days=9))  # replied: the clock stopped
    dept = T0 + timedelta(hours=1)
    assert rules.past_due(True, due, dept, True, dept + timedelta(seconds=1))  # department deadline (004:L2105)
    assert not rules.past_due(True, due, dept, False, dept + timedelta(seconds=1))


def test_reminder_window():
    deadline, before = T0 + timedelta(hours=4), timedelta(minutes=60)
    assert not rules.reminder_due(deadline, before, deadline - timedelta(minutes=61))
    assert rules.reminder_due(deadline, before, deadline - timedelta(minutes=60))
    assert not rules.reminder_due(deadline, before, deadline)
    assert not rules.reminder_due(None, before, T0)


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=100))
def test_escalation_ladder(minutes_since_first, interval_hours):
    """004:L2181: leader first; the executive only after the interval; never a third step."""
    interval = timedelta(hours=interval_hours)
    now = T0 + timedelta(minutes=minutes_since_first)
    assert rules.escalation_step(False, None, False, interval, now) == 0
    assert rules.escalation_step(True, None, False, interval, now) == 1
    step = rules.escalation_step(True, T0, False, interval, now)
    assert step == (2 if timedelta(minutes=minutes_since_first) >= interval else 0)
    assert rules.escalation_step(True, T0, True, interval, now) == 0


def test_machine_is_well_formed():
    for t in machine.TRANSITIONS:
        assert t.seed.startswith("004:L"), t.name  # every transition cites its seed line
        assert t.src <= set(machine.STATES) and (t.dst in machine.STATES or t.dst == STAY)  # STAY: keeps it
        assert set(t.fields()) <= set(machine.FIELDS)
        assert t.roles and t.variants <= set(machine.KINDS)  # the kinds it applies to
    # the textbook's mandatory fields (004:L2077, L2097, L2105, L2117)
    assert machine.BY_NAME["dispatch"].requires == ("dispatch_opinion",)
    assert machine.BY_NAME["return"].requires == ("return_reason",)
    assert set(machine.BY_NAME["transfer"].requires) == {
        "transfer_reason",
        "station",
        "department",
        "handling_deadline",
    }
    assert set(machine.BY_NAME["reply"].requires) == {"reply_opinion", "satisfaction"}


def test_every_state_reachable_and_every_kind_can_finish():
    for kind in machine.KINDS:
        reached, frontier = {machine.ACCEPTED}, [machine.ACCEPTED]
        while frontier:
            state = frontier.pop()
            for t in machine.MACHINE.from_state(state):
                if t.variants and kind not in t.variants:
                    continue
                if t.dst != STAY and t.dst not in reached:
                    reached.add(t.dst)
                    frontier.append(t.dst)
        assert machine.ARCHIVED in reached, kind
    everything = {t.dst for t in machine.TRANSITIONS if t.dst != STAY} | {machine.ACCEPTED}
    assert everything == set(machine.STATES)
