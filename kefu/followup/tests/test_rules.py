"""Pure follow-up rules with hand-computed fixtures and boundaries."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kefu.followup import rules


def test_T28_result_monday_0900_visit_due_thursday_0900():
    """requirements-B T28, 002:L259: the result delivered Mon 09:00 -> return visit due Thu 09:00 (72 h)."""
    monday = datetime(2026, 12, 7, 9, 0)
    assert monday.strftime("%a") == "Mon"
    due = rules.return_visit_due(monday, 72)
    assert due == datetime(2026, 12, 10, 9, 0) and due.strftime("%a") == "Thu"


@pytest.mark.parametrize(
    "outcomes, allowed",
    [
        ([], set()),
        (["no_answer", "busy"], set()),  # 2 failed: not yet
        (["no_answer", "busy", "powered_off"], {"unreachable"}),  # T28: 3 failed attempts -> closable
        (["no_answer", "call_later", "busy"], set()),  # a customer who asked for another time is not a failure
        (["wrong_number"], {"wrong_number"}),  # T28: wrong number -> closable at once
        (["refused"], {"refused"}),
        (["no_answer", "no_answer", "no_answer", "wrong_number"], {"unreachable", "wrong_number"}),
    ],
)
def test_T28_closable_after_three_failed_attempts_or_wrong_number(outcomes, allowed):
    """002:L259 "如联系信息有误或3—5次联系不上的可做结案" with the policy's 3."""
    assert rules.closable(outcomes, 3) == frozenset(allowed)


def test_the_policy_may_ask_for_five_attempts():
    assert rules.closable(["no_answer"] * 4, 5) == frozenset()
    assert rules.closable(["no_answer"] * 5, 5) == {"unreachable"}


def test_T29_member_visit_by_D_plus_3():
    """requirements-B T29, 002:L397: service day D -> visit by D+3."""
    assert rules.days_after(date(2026, 12, 7), 3) == date(2026, 12, 10)
    assert rules.days_after(date(2026, 12, 30), 3) == date(2027, 1, 2)  # across the year end


def test_T20_ecommerce_visits():
    """requirements-A T20, 001:L310-314: shipped D -> new-buyer visit D+2; received R -> R+5; > 1 month -> long term."""
    assert rules.days_after(date(2026, 8, 1), 2) == date(2026, 8, 3)
    assert rules.days_after(date(2026, 8, 28), 5) == date(2026, 9, 2)
    assert rules.segment(date(2026, 11, 7), date(2026, 12, 7), 30) == "recent"  # exactly 30 days: not "more than"
    assert rules.segment(date(2026, 11, 6), date(2026, 12, 7), 30) == "long_term"


def test_timeliness_counts_due_tasks_and_reached_in_time():
    now = datetime(2026, 12, 10, 12, 0)
    tasks = [
        (datetime(2026, 12, 10, 9, 0), datetime(2026, 12, 10, 9, 0)),  # reached exactly at the due time: on time
        (datetime(2026, 12, 10, 9, 0), datetime(2026, 12, 10, 9, 1)),  # one minute late
        (datetime(2026, 12, 9, 9, 0), None),  # due, never reached
        (datetime(2026, 12, 11, 9, 0), None),  # not due yet: not counted
        (datetime(2026, 12, 11, 9, 0), datetime(2026, 12, 10, 10, 0)),  # early: counted, on time
    ]
    rate = rules.timeliness(tasks, now)
    assert (rate.numerator, rate.denominator, rate.percent) == (2, 4, 50.0)


def test_coverage_and_an_empty_period():
    assert rules.coverage(3, 3).percent == 100.0
    assert rules.coverage(3, 2).percent == 66.7
    assert rules.coverage(0, 0).percent is None  # nothing to visit: no figure, not 0 % nor 100 %
    assert rules.coverage(2, 5).percent == 100.0  # never above 100 %
