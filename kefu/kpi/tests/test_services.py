"""Rollups stored from telephony records; month rollups are sums of days; bad input changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kefu.errors import RuleViolation
from kefu.kpi import selectors, services
from kefu.kpi.models import Rollup

UTC = UTC


def make_calls(center, rows):
    from kefu.telephony.models import Call, ImportBatch

    batch = ImportBatch.objects.create(
        center=center, kind="simulator", file_name="t.csv", sha256=f"{id(rows):064x}"[-64:], rows=len(rows)
    )
    objs = []
    for i, r in enumerate(rows):
        objs.append(
            Call(
                center=center,
                batch=batch,
                call_id=f"c{i}-{id(rows)}",
                queue="q1",
                call_type=r.get("call_type", "业务咨询"),
                is_vip=r.get("vip", False),
                offered_at=r["at"],
                outcome=r["outcome"],
                requested_agent=True,
                queued=True,
                wait_seconds=r.get("wait", 10),
                talk_seconds=r.get("talk", 0),
                acw_seconds=r.get("acw", 0),
                agent_staff_no=r.get("agent", ""),
                team=r.get("team"),
            )
        )
    Call.objects.bulk_create(objs)
    return batch


@pytest.mark.django_db
def test_refresh_writes_day_and_month_rollups(center, make_staff):
    # 2026-10-05 and 2026-10-06 local days; service level (M20) 2 of 3 then 1 of 1  (004:L1709)
    d5 = datetime(2026, 10, 5, 2, tzinfo=UTC)
    d6 = datetime(2026, 10, 6, 2, tzinfo=UTC)
    make_calls(
        center,
        [
            {"at": d5, "outcome": "answered", "wait": 5, "talk": 300, "agent": "1001"},
            {"at": d5, "outcome": "answered", "wait": 19, "talk": 200, "agent": "1001"},
            {"at": d5, "outcome": "answered", "wait": 20, "talk": 100, "agent": "1002"},
            {"at": d6, "outcome": "answered", "wait": 1, "talk": 100, "agent": "1002"},
        ],
    )
    written = services.refresh_rollups(center, date(2026, 10, 1), date(2026, 10, 31))
    assert written > 0
    day = Rollup.objects.get(
        center=center,
        metric="M20",
        period_kind="day",
        breakdown="center",
        period_start=selectors.local_midnight(center, date(2026, 10, 5)),
    )
    assert (day.numerator, day.denominator) == (2.0, 3.0)
    month = Rollup.objects.get(center=center, metric="M20", period_kind="month", breakdown="center")
    assert (month.numerator, month.denominator) == (3.0, 4.0)
    agent = Rollup.objects.get(center=center, metric="M9", period_kind="month", breakdown="agent", key="1001")
    assert (agent.numerator, agent.denominator) == (500.0, 2.0)
    # whole month from the month rollup equals the sum of days over a partial range
    whole = selectors.summed(center, date(2026, 10, 1), date(2026, 11, 1), "center")
    part = selectors.summed(center, date(2026, 10, 2), date(2026, 10, 7), "center")
    assert whole[("M20", "全中心")] == part[("M20", "全中心")] == (3.0, 4.0)
    # refreshing again replaces, never doubles
    services.refresh_rollups(center, date(2026, 10, 5), date(2026, 10, 5))
    assert Rollup.objects.get(center=center, metric="M20", period_kind="month", breakdown="center").numerator == 3.0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,end,field",
    [("2026-10-05", "2026-10-01", "end"), ("2026-13-01", "2026-10-01", "start"), ("2025-01-01", "2026-10-01", "end")],
)
def test_bad_range_changes_nothing(center, start, end, field):
    Rollup.objects.create(
        center=center,
        metric="M21",
        period_kind="day",
        period_start=datetime(2026, 10, 1, tzinfo=UTC),
        breakdown="center",
        key="全中心",
        numerator=1,
        denominator=1,
    )
    before = list(Rollup.objects.values_list("id", "numerator"))
    with pytest.raises(RuleViolation) as exc:
        services.refresh_rollups(center, start, end)
    assert exc.value.problems[0].field == field
    assert list(Rollup.objects.values_list("id", "numerator")) == before


def test_split_months():
    months, ranges = selectors.split_months(date(2026, 9, 20), date(2026, 12, 3))
    assert months == [date(2026, 10, 1), date(2026, 11, 1)]
    assert ranges == [(date(2026, 9, 20), date(2026, 10, 1)), (date(2026, 12, 1), date(2026, 12, 3))]


@pytest.mark.django_db
def test_demo_build_is_idempotent(center):
    import io
    import random

    from kefu.kpi import demo

    make_calls(center, [{"at": datetime(2026, 10, 5, 2, tzinfo=UTC), "outcome": "answered", "wait": 5, "talk": 100}])
    demo.build(center, random.Random(1), io.StringIO())
    first = Rollup.objects.filter(center=center).count()
    demo.build(center, random.Random(1), io.StringIO())
    assert first > 0 and Rollup.objects.filter(center=center).count() == first


@pytest.mark.django_db
def test_timer_refreshes_today(center):
    from django.conf import settings
    from django.utils import timezone as djtz

    from kefu.kpi import tasks

    assert settings.CELERY_BEAT_SCHEDULE["kpi.refresh_recent"]["task"] == "kpi.refresh_recent"
    make_calls(center, [{"at": djtz.now() - timedelta(minutes=1), "outcome": "answered", "wait": 2, "talk": 60}])
    assert tasks.refresh_recent.apply().get() > 0
    assert (
        Rollup.objects.filter(center=center, metric="M21", period_kind="day", breakdown="center").get().numerator == 1.0
    )


@pytest.mark.django_db
def test_published_roster_counts_as_scheduled_time(center, monkeypatch):
    """实际工作率 (004:L1343-1349) divides by scheduled time: the published kefu roster is a source of it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kefu.kpi import selectors
    from kefu.roster import selectors as roster_selectors

    sh = ZoneInfo("Asia/Shanghai")
    s, e = datetime(2026, 11, 2, 8, tzinfo=sh), datetime(2026, 11, 2, 17, tzinfo=sh)
    monkeypatch.setattr(roster_selectors, "scheduled_intervals", lambda c, lo, hi: [("1001", s, e, "D")])
    frames = selectors.load_frames(center, datetime(2026, 11, 2, tzinfo=sh), datetime(2026, 11, 3, tzinfo=sh))
    rows = frames["scheduled"].to_dicts()
    assert [(r["agent_staff_no"], r["start"], r["end"]) for r in rows] == [("1001", s, e)]
