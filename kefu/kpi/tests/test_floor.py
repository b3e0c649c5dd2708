"""The wallboard's curve of callers waiting at once (pure)."""

from datetime import datetime, timedelta

from kefu.kpi.floor import peak_waiting

T0 = datetime(2026, 12, 7, 8, 0)
STEP = timedelta(minutes=30)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_overlapping_waits_count_at_once_per_interval():
    waits = [(at(1), at(3)), (at(2), at(4)), (at(2.5), at(2.6)), (at(40), at(41))]
    assert peak_waiting(waits, T0, STEP, 3) == [3, 1, 0]


def test_a_caller_leaving_as_another_enters_is_not_counted_twice():
    assert peak_waiting([(at(1), at(2)), (at(2), at(3))], T0, STEP, 1) == [1]


def test_a_wait_across_the_boundary_counts_in_both_intervals():
    assert peak_waiting([(at(29), at(31))], T0, STEP, 2) == [1, 1]
    assert peak_waiting([(at(10), at(70))], T0, STEP, 3) == [1, 1, 1]


def test_no_callers_and_empty_waits():
    assert peak_waiting([], T0, STEP, 2) == [0, 0]
    assert peak_waiting([(at(5), at(5))], T0, STEP, 1) == [0]
