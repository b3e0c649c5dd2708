"""The whole demo (`seed_demo`, every app) builds a center that looks like a working one (issue 17 item 7), and a
second run changes nothing. Measured in shares within stated bounds, never exact numbers:

- the KPI dashboard of the last 30 whole days: most metrics within target, a few breaches to show;
- orders: a few percent past their deadline (004:L1293-1299), none by more than a few days; replied complaints get
  their return visit (002:L259);
- attendance: a clock-in for nearly every rostered shift of the past (出勤率, 004:L1585-1591).
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Of the judged metrics (those with a target), at most this share off target. The demo's breaches come from its size:
# a 15-agent center (four or five agents on a day shift cannot reach 90 % occupancy (M12) and keep 80/20, and a
# queued caller waits AHT ÷ (agents − erlangs), so M7, M17, M19 and K3 sit near or outside their bands). Orders not
# yet due are left out of K6-K14 and M22's annual band is judged only over a year (kefu/kpi/tests/test_as_of_now.py).
RED_SHARE_MAX = 0.4
OVERDUE_SHARE = (0.003, 0.06)  # orders past their deadline now or replied after it, of the 60 days' orders
MAX_DAYS_LATE = 3  # no order is (or was) past its deadline by more than this many days
# Audit records grow with every read the demo makes on purpose; everything else is built once.
GROWS_ON_PURPOSE = {"audit"}


def _counts() -> Counter:
    return Counter(
        {
            m._meta.label: m.objects.count()
            for m in apps.get_models()
            if m.__module__.startswith("kefu.") and m._meta.app_label not in GROWS_ON_PURPOSE
        }
    )


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_whole_demo_looks_like_a_working_center_and_a_second_run_adds_nothing():
    from kefu.attendance.models import ClockEvent
    from kefu.attendance.services import scheduled_shifts
    from kefu.followup.models import Task
    from kefu.kpi import engine, periods, selectors
    from kefu.org.models import Center
    from kefu.tickets import machine
    from kefu.tickets.models import Order

    _seed()
    center = Center.objects.get(code="demo")
    first = _counts()

    # --- the KPI dashboard of the last 30 whole days (today is still being worked)
    today = selectors.local_today(center)
    spec = selectors.spec_for(center)
    month = periods.Period("range", today - timedelta(days=30), today)
    rows = selectors.rows_for(
        selectors.period_values(center, month, "center", key=engine.CENTER_KEY, spec=spec),
        engine.CENTER_KEY,
        spec,
        by="center",
    )
    judged = [r for r in rows if r.status in ("ok", "warn", "bad")]
    red = [(r.code, r.shown, r.target) for r in judged if r.status == "bad"]
    assert len(judged) >= 30
    assert len(red) <= RED_SHARE_MAX * len(judged), red  # mostly within target …
    assert red  # … with a few breaches to show
    by_code = {r.code: r for r in rows}
    for code in ("K1", "K2", "M13", "M14", "M20"):  # the floor's headline figures
        assert by_code[code].status == "ok", (code, by_code[code].shown, by_code[code].target)

    # --- orders: a few percent missed their deadline, by hours or a day or two, never by weeks
    now = timezone.now()
    orders = list(
        Order.objects.filter(center=center, accepted_at__gte=now - timedelta(days=60), due_at__isnull=False).values(
            "state", "due_at", "replied_at"
        )
    )
    assert len(orders) >= 200
    lateness = []
    for o in orders:
        end = o["replied_at"] or (now if o["state"] not in machine.CLOCK_STOPPED else None)
        if end is not None and end > o["due_at"]:
            lateness.append(end - o["due_at"])
    share = len(lateness) / len(orders)
    assert OVERDUE_SHARE[0] <= share <= OVERDUE_SHARE[1], share
    assert max(lateness) <= timedelta(days=MAX_DAYS_LATE), max(lateness)
    open_late = Order.objects.filter(center=center, is_overdue=True).exclude(state__in=machine.CLOCK_STOPPED)
    assert 0 < open_late.count() <= 0.05 * len(orders)  # the supervisor sees a handful of overdue orders

    # --- replied complaints get their return visit (002:L259), and most are done
    replied = Order.objects.filter(
        center=center,
        kind="complaint",
        replied_at__isnull=False,
        replied_at__gte=now - timedelta(days=28),
        replied_at__lt=now - timedelta(days=4),
    )
    visits = Task.objects.filter(center=center, kind="return_visit", order__in=replied)
    assert replied.count() >= 20
    assert visits.values("order").distinct().count() >= 0.95 * replied.count()
    assert visits.filter(state="done").count() >= 0.8 * visits.count()

    # --- attendance: a clock-in near the start of nearly every shift rostered in the past four weeks
    shifts = scheduled_shifts(center, start=today - timedelta(days=28), end=today - timedelta(days=1))
    planned = [s for ss in shifts.values() for s in ss]
    ins: dict[str, list] = {}
    for no, at in ClockEvent.objects.filter(direction="in").values_list("staff__staff_no", "at"):
        ins.setdefault(no, []).append(at)
    matched = sum(
        1 for s in planned if any(abs((at - s.start).total_seconds()) <= 3600 for at in ins.get(s.staff_no, []))
    )
    assert len(planned) >= 28 * 5
    assert matched >= 0.95 * len(planned), (matched, len(planned))

    # --- a second run finds everything in place: the same center, the same counts
    _seed()
    assert Center.objects.filter(code="demo").count() == 1
    second = _counts()
    assert {k: (first[k], second[k]) for k in first | second if first[k] != second[k]} == {}
