"""center_calendar(): each process keeps the calendar built for the shared version stamp."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.workcal import services
from kefu.workcal.models import CalendarOverride

DAY = date(2027, 2, 8)  # a Monday, not yet in any published table


def test_calendar_is_built_once_per_version(db):
    first = services.center_calendar()
    with CaptureQueriesContext(connection) as ctx:
        assert services.center_calendar() is first
    assert len(ctx.captured_queries) == 0
    services.set_override(DAY, is_working_day=False, name="春节（待国务院通知）")
    rebuilt = services.center_calendar()
    assert rebuilt is not first and not rebuilt.is_working_day(DAY) and rebuilt.names[DAY] == "春节（待国务院通知）"


def test_an_override_saved_while_building_is_not_lost(db, monkeypatch):
    """Another process saves an override after this one read the overrides: its invalidation must win."""
    real = services.published_calendar
    calls = []

    def published_with_a_concurrent_edit():
        if not calls:
            CalendarOverride.objects.create(day=DAY, is_working_day=False, name="临时休息")
            services.invalidate()
        calls.append(1)
        return real()

    monkeypatch.setattr(services, "published_calendar", published_with_a_concurrent_edit)
    assert services.center_calendar().is_working_day(DAY)  # built from what it read before the edit
    assert not services.center_calendar().is_working_day(DAY)  # the next call sees the new version


def test_lost_cache_rebuilds_from_the_database(db):
    from django.core.cache import cache

    assert services.center_calendar().is_working_day(DAY)
    CalendarOverride.objects.create(day=DAY, is_working_day=False)
    cache.clear()  # expiry or a restarted cache server: the stamp is gone, so is trust in the kept calendar
    assert not services.center_calendar().is_working_day(DAY)
