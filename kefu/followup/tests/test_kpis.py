"""KPIs of follow-up per agent and center (pure), hand-computed: callback timeliness with a task done exactly at its
due time, return-visit coverage against the 100 % goal (002:L259), satisfaction found on visits (004:L1917) and
surveys (004:L1003), the period's bounds [start, end) and an empty period."""

from __future__ import annotations

from datetime import datetime, timedelta

from kefu.followup.kpis import CENTER, AnswerRow, TaskRow, VisitRow, compute

START, END = datetime(2026, 12, 1), datetime(2026, 12, 8)
NOW = datetime(2026, 12, 10)


def test_timeliness_done_exactly_at_due_counts_and_a_second_late_does_not_002_L259():
    due = datetime(2026, 12, 3, 9, 0)
    tasks = [
        TaskRow("2001", due, due, "done"),  # exactly at the due time: on time
        TaskRow("2001", due, due + timedelta(seconds=1), "done"),  # one second late
        TaskRow("2002", due, None, "open"),  # overdue, still open
        TaskRow("2002", due, None, "closed"),  # closed without a visit: not done
        TaskRow("2002", due, due - timedelta(hours=1), "cancelled"),  # cancelled: not counted
        TaskRow("2001", START, START, "done"),  # due at the start: in the period
        TaskRow("2001", END, END, "done"),
    ]  # due at the end: the next period's
    k = compute(tasks, [], [], START, END, NOW)
    assert (k[CENTER].timeliness.numerator, k[CENTER].timeliness.denominator) == (2, 5)
    assert k[CENTER].timeliness.percent == 40.0
    assert (k["2001"].timeliness.numerator, k["2001"].timeliness.denominator) == (2, 3)
    assert k["2001"].timeliness.percent == 66.7
    assert (k["2002"].timeliness.numerator, k["2002"].timeliness.denominator) == (0, 2)


def test_a_task_not_yet_due_is_not_counted_until_done():
    due = datetime(2026, 12, 7, 18, 0)
    now = datetime(2026, 12, 7, 12, 0)
    k = compute([TaskRow("2001", due, None, "open"), TaskRow("2001", due, now, "done")], [], [], START, END, now)
    assert (k[CENTER].timeliness.numerator, k[CENTER].timeliness.denominator) == (1, 1)


def test_coverage_per_agent_against_the_goal_002_L259():
    visits = [
        VisitRow("2001", datetime(2026, 12, 2), True),
        VisitRow("2001", datetime(2026, 12, 3), True),
        VisitRow("2002", datetime(2026, 12, 4), False),
        VisitRow("", datetime(2026, 12, 5), False),
        VisitRow("2002", datetime(2026, 11, 30, 23, 59), True),
    ]  # replied before the period
    k = compute([], visits, [], START, END, NOW)
    assert (k[CENTER].coverage.numerator, k[CENTER].coverage.denominator) == (2, 4)
    assert k["2001"].coverage.percent == 100.0 and k["2002"].coverage.percent == 0.0
    assert "" in k and set(k) == {CENTER, "2001", "2002"}  # an order without an agent counts for the center only


def test_satisfaction_found_on_visits_and_surveys_004_L1917_L1003():
    at = datetime(2026, 12, 2, 10, 0)
    answers = [
        AnswerRow("2001", at, True, "visit"),
        AnswerRow("2001", at, False, "visit"),
        AnswerRow("2001", at, True, "sms"),
        AnswerRow("2002", at, True, "ivr"),
        AnswerRow("2002", at, False, "ivr"),
        AnswerRow("2002", END, False, "sms"),
    ]  # at the end: outside
    k = compute([], [], answers, START, END, NOW)
    c = k[CENTER]
    assert (c.visit_satisfied.numerator, c.visit_satisfied.denominator) == (1, 2)
    assert (c.survey_satisfied.numerator, c.survey_satisfied.denominator) == (2, 3)
    assert (c.satisfied.numerator, c.satisfied.denominator, c.satisfied.percent) == (3, 5, 60.0)
    assert k["2002"].visit_satisfied.percent is None and k["2002"].survey_satisfied.percent == 50.0


def test_an_empty_period_gives_none_not_zero():
    k = compute([TaskRow("2001", datetime(2026, 11, 1), None, "open")], [], [], START, END, NOW)
    assert list(k) == [CENTER]
    c = k[CENTER]
    assert [r.percent for r in (c.timeliness, c.coverage, c.visit_satisfied, c.survey_satisfied, c.satisfied)] == [
        None
    ] * 5
