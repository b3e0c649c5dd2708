"""Forecast per interval: hand-computed fixtures (two 12-hour intervals a day keep the arithmetic visible)."""

from datetime import date, datetime, timedelta

import pytest

from kefu.wfm import forecast
from kefu.wfm.forecast import Adjustment, Observation

HOLIDAYS = {date(2026, 6, 19)}  # 端午节 (Friday)


def kind(d: date) -> str:
    if d in HOLIDAYS:
        return "holiday"
    if d == date(2026, 6, 28):  # a Sunday made a working day (调休)
        return "makeup"
    return str(d.weekday())


def history(start: date, days: int, *, month_start_factor=1.0, holiday=None, answered=0, handle=0.0):
    """Weekday w: 10·(w+1) calls from 00:00, 30·(w+1) from 12:00; days 1..5 × factor; holidays (a, b)."""
    rows = []
    for k in range(days):
        d = start + timedelta(days=k)
        w = d.weekday()
        a, b = 10.0 * (w + 1), 30.0 * (w + 1)
        if d.day <= 5:
            a, b = a * month_start_factor, b * month_start_factor
        if holiday and d in HOLIDAYS:
            a, b = holiday
        rows.append(Observation(datetime(d.year, d.month, d.day, 0, 0), a, answered, handle))
        rows.append(Observation(datetime(d.year, d.month, d.day, 12, 0), b, 0, 0.0))
    return rows


def test_day_of_week_by_interval_profile():
    model = forecast.fit(history(date(2026, 6, 8), 14), 720, kind)
    out = forecast.predict(model, date(2026, 6, 22), 7, kind)
    assert [round(v.calls, 6) for v in out[:2]] == [10.0, 30.0]  # Monday
    assert [round(v.calls, 6) for v in out[10:12]] == [60.0, 180.0]  # Saturday 27 June
    assert out[1].start == datetime(2026, 6, 22, 12, 0)


def test_month_start_peak_is_learned_and_applied():
    # 004:L761: history 1..21 June with days 1-5 at twice the usual traffic → factor 2.0;
    # 1 July 2026 is a Wednesday (level 30 + 90 = 120) → 240 split 60 / 180
    model = forecast.fit(history(date(2026, 6, 1), 21, month_start_factor=2.0), 720, kind, month_start_days=5)
    assert model.month_start_factor == pytest.approx(2.0)
    assert model.level["2"] == pytest.approx(120.0)  # plain Wednesdays only (10 and 17 June)
    july1 = forecast.predict(model, date(2026, 7, 1), 1, kind)
    assert [round(v.calls, 6) for v in july1] == [60.0, 180.0]
    july6 = forecast.predict(model, date(2026, 7, 6), 1, kind)  # Monday, day 6: no peak
    assert [round(v.calls, 6) for v in july6] == [10.0, 30.0]


def test_holidays_and_make_up_days():
    # 004:L787: with a holiday in the history (5 + 15 calls), a holiday is forecast from holidays
    model = forecast.fit(history(date(2026, 6, 8), 14, holiday=(5.0, 15.0)), 720, kind)
    assert model.level["holiday"] == pytest.approx(20.0)
    HOLIDAYS.add(date(2026, 6, 24))
    try:
        out = forecast.predict(model, date(2026, 6, 24), 1, kind)
        assert [round(v.calls, 6) for v in out] == [5.0, 15.0]
    finally:
        HOLIDAYS.discard(date(2026, 6, 24))
    # a make-up Sunday is forecast like the mean of Monday–Friday (levels 40, 80, 120, 160, 200 → 120), Friday
    # 19 June being a holiday leaves the other Friday (12 June) as Friday's level
    out = forecast.predict(model, date(2026, 6, 28), 1, kind)
    assert sum(v.calls for v in out) == pytest.approx(120.0)


def test_holiday_without_history_falls_back_to_sunday():
    model = forecast.fit(history(date(2026, 6, 29), 7), 720, kind)  # 29 June - 5 July: no holiday
    assert model.level["holiday"] == model.level["6"] == pytest.approx(280.0)


def test_event_adjustment_multiplies_then_adds():
    model = forecast.fit(history(date(2026, 6, 8), 14), 720, kind)
    adj = Adjustment(datetime(2026, 6, 22, 12, 0), datetime(2026, 6, 23, 0, 0), factor=1.5, extra_calls=10)
    out = forecast.predict(model, date(2026, 6, 22), 1, kind, [adj])
    assert [round(v.calls, 6) for v in out] == [10.0, 55.0]  # 30 × 1.5 + 10


def test_aht_per_interval_with_fallback():
    # 14 days × 2 answered × 300 s in the 00:00 interval → 300 s; nothing answered at 12:00 → the overall mean
    model = forecast.fit(history(date(2026, 6, 8), 14, answered=2, handle=600.0), 720, kind)
    assert model.aht[0] == pytest.approx(300.0)
    assert model.aht[1] == pytest.approx(300.0)
    empty = forecast.fit(history(date(2026, 6, 8), 14), 720, kind, default_aht=240.0)
    assert empty.aht == [240.0, 240.0]


def test_wape_hand_computed():
    assert forecast.wape([100, 200], [110, 180]) == pytest.approx(0.1)  # (10 + 20) / 300
    assert forecast.wape([0, 0], [5, 5]) is None  # zero denominator shows "—"
    with pytest.raises(ValueError):
        forecast.wape([1], [1, 2])


def test_backtest_on_a_regular_pattern_is_exact_and_sees_errors():
    wape, rows = forecast.backtest(history(date(2026, 6, 8), 21), 720, kind, holdout_days=7)
    # the hold-out week is 22-28 June; 28 June is a make-up day forecast as mean Mon-Fri (120) instead of 280
    assert len(rows) == 14
    actual_total = sum(a for _, a, _ in rows)
    assert actual_total == pytest.approx(40 * 28)  # (10+30)·(1+…+7)
    assert wape == pytest.approx((280 - 120) / actual_total)


def test_interval_length_must_divide_the_day():
    with pytest.raises(ValueError):
        forecast.slots_per_day(25)
    assert forecast.slots_per_day(15) == 96 and forecast.slots_per_day(30) == 48
