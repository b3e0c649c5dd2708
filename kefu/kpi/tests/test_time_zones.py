"""One time-zone convention for the engine's frames: every datetime column is UTC, whatever zone its values came in.

Imported schedule rows come back from the database in UTC while the published kefu roster gives times in the
center's zone (Asia/Shanghai); the two met in one frame and Polars refused the column (issue 12, item 1).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from kefu.kpi import engine

UTC = UTC
SH = ZoneInfo("Asia/Shanghai")


def test_frame_of_mixed_zones_is_utc():
    rows = [
        {
            "agent_staff_no": "1001",
            "team_id": None,
            "start": datetime(2026, 11, 2, 0, tzinfo=UTC),
            "end": datetime(2026, 11, 2, 1, tzinfo=UTC),
        },
        {
            "agent_staff_no": "1002",
            "team_id": None,
            "start": datetime(2026, 11, 2, 8, tzinfo=SH),
            "end": datetime(2026, 11, 2, 17, tzinfo=SH),
        },
        {"agent_staff_no": "1003", "team_id": None, "start": datetime(2026, 11, 2, 2), "end": None},  # naive: UTC
    ]
    df = engine.frame(rows, engine.INTERVAL_COLUMNS)
    assert df.schema["start"] == pl.Datetime("us", "UTC") and df.schema["end"] == pl.Datetime("us", "UTC")
    assert df.get_column("start").to_list() == [
        datetime(2026, 11, 2, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 2, tzinfo=UTC),
    ]
    assert df.get_column("end").to_list()[1] == datetime(2026, 11, 2, 9, tzinfo=UTC)


def test_frame_of_a_frame_in_another_zone_keeps_the_instant():
    df = pl.DataFrame(
        {"agent_staff_no": ["1001"], "start": [datetime(2026, 11, 2, 8)], "end": [datetime(2026, 11, 2, 17)]}
    )
    df = df.with_columns(pl.col("start", "end").dt.replace_time_zone("Asia/Shanghai"))
    out = engine.frame(df, engine.INTERVAL_COLUMNS)
    assert out.schema["start"] == pl.Datetime("us", "UTC")
    assert out.row(0, named=True)["start"] == datetime(2026, 11, 2, 0, tzinfo=UTC)


@pytest.fixture
def shift_and_roster(center, monkeypatch):
    """An imported schedule row (stored, read back in UTC) and a published roster shift (center's zone) today."""
    from django.utils import timezone as djtz

    from kefu.kpi import selectors
    from kefu.roster import selectors as roster_selectors
    from kefu.telephony.models import ScheduledShift

    today = selectors.local_today(center)
    lo = selectors.local_midnight(center, today)
    ScheduledShift.objects.create(
        center=center, agent_staff_no="1001", start=lo + timedelta(hours=8), end=lo + timedelta(hours=17)
    )
    roster = [("1002", lo.astimezone(SH) + timedelta(hours=9), lo.astimezone(SH) + timedelta(hours=18), "D")]
    monkeypatch.setattr(roster_selectors, "scheduled_intervals", lambda c, a, b: list(roster))
    assert djtz.now() >= lo
    return today, lo


@pytest.mark.django_db
def test_load_frames_with_imported_and_roster_shifts(center, shift_and_roster):
    from kefu.kpi import selectors

    _, lo = shift_and_roster
    frames = selectors.load_frames(center, lo, lo + timedelta(days=1))
    scheduled = frames["scheduled"].sort("agent_staff_no")
    assert scheduled.schema["start"] == pl.Datetime("us", "UTC")
    assert scheduled.get_column("agent_staff_no").to_list() == ["1001", "1002"]
    assert scheduled.get_column("start").to_list() == [lo + timedelta(hours=8), lo + timedelta(hours=9)]


@pytest.mark.django_db
def test_refresh_recent_task_with_imported_and_roster_shifts(center, shift_and_roster):
    from kefu.kpi import tasks

    assert tasks.refresh_recent.apply().get() >= 0


@pytest.mark.django_db
def test_today_dashboard_with_imported_and_roster_shifts(center, shift_and_roster, make_staff, client_for):
    from django.urls import reverse

    manager = make_staff("manager")
    response = client_for(manager).get(reverse("kpi:dashboard"), {"period": "today"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_api_refresh_of_today_with_imported_and_roster_shifts(center, shift_and_roster, make_staff, client_for):
    today, _ = shift_and_roster
    client = client_for(make_staff("supervisor"))
    r = client.post(
        "/api/kpi/refresh", {"start": today.isoformat(), "end": today.isoformat()}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
