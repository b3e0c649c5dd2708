"""Real Chromium: the dashboard colours metrics against targets, the metric page draws its trend, the wallboard polls."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from kefu.kpi import services

pytestmark = pytest.mark.browser
UTC = timezone.utc


@pytest.fixture
def october(center, make_staff):
    from kefu.org.models import Team
    from kefu.telephony.models import AgentSession, Call, ImportBatch

    teams = [Team.objects.create(center=center, code=f"t{i}", name=f"{i}班") for i in (1, 2)]
    agents = [make_staff("agent", staff_no=f"{1001 + i}", team=teams[i % 2]) for i in range(6)]
    batch = ImportBatch.objects.create(center=center, kind="simulator", file_name="oct", sha256="e" * 64)
    rng = random.Random(3)
    calls, sessions = [], []
    for day in range(1, 21):
        base = datetime(2026, 10, day, 0, 0, tzinfo=UTC)  # 08:00 local
        for a in agents:
            sessions.append(AgentSession(center=center, batch=batch, agent_staff_no=a.staff_no, agent=a, start=base,
                                         end=base + timedelta(hours=8)))
        for n in range(40):
            a = rng.choice(agents)
            wait = rng.expovariate(1 / (8 + day))
            outcome = "abandoned" if rng.random() < 0.03 + day / 400 else "answered"
            ans = outcome == "answered"
            calls.append(Call(center=center, batch=batch, call_id=f"{day}-{n}", queue="hotline", call_type=rng.choice(["业务咨询", "投诉"]),
                              offered_at=base + timedelta(minutes=rng.randrange(470)), outcome=outcome, queued=True,
                              wait_seconds=round(wait, 1), talk_seconds=rng.randint(120, 420) if ans else 0,
                              acw_seconds=rng.randint(30, 90) if ans else 0, agent_staff_no=a.staff_no if ans else "",
                              agent=a if ans else None, team=a.team if ans else None))
    Call.objects.bulk_create(calls)
    AgentSession.objects.bulk_create(sessions)
    services.refresh_rollups(center, date(2026, 10, 1), date(2026, 10, 31))
    return agents


def test_dashboard_and_metric_page(october, make_staff, login, screenshot):
    page = login(make_staff("supervisor"))
    page.goto(page.base_url + "/kpi/?period=month&month=2026-10")
    page.wait_for_selector("text=服务标准")
    m20 = page.locator('tr[data-code="M20"]')
    assert m20.locator(".badge").inner_text() in ("达标", "未达标")
    assert page.locator('tr[data-code="K2"] td.value').inner_text().endswith("%")
    assert page.locator('tr[data-code="K6"] td.value').inner_text() == "—"  # no work orders: zero denominator
    screenshot("kpi-dashboard-center")
    page.click('tr[data-code="M8"] a')
    page.wait_for_selector("#trend canvas")
    assert page.locator("#trend").get_attribute("data-points") == "20"
    screenshot("kpi-metric-m8")
    page.goto(page.base_url + "/kpi/metric/M13/?period=month&month=2026-10")
    page.wait_for_selector("#trend canvas")
    screenshot("kpi-metric-m13")


def test_agent_dashboard(october, login, screenshot):
    page = login(october[0])
    page.goto(page.base_url + "/kpi/?period=month&month=2026-10")
    page.wait_for_selector("text=本人工号 1001")
    assert "1001" in page.locator("h1").inner_text()
    screenshot("kpi-dashboard-agent")


def _pause_page_clock(page):
    """From here the page's time moves only when the test says so. The page's clock runs on meanwhile, so the
    pause is set a little ahead of it (in seconds) and set again should it already have passed."""
    from playwright.sync_api import Error

    for _ in range(5):
        try:
            return page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 0.2)
        except Error as e:
            if "to the past" not in str(e):
                raise
    raise AssertionError("the page clock could not be paused")


def test_wallboard_polls(center, make_staff, login, screenshot):
    from django.utils import timezone as djtz

    from kefu.telephony.models import AgentSession, Call, ImportBatch

    now = djtz.now()
    batch = ImportBatch.objects.create(center=center, kind="simulator", file_name="live", sha256="d" * 64)
    for no in ("1001", "1002", "1003", "1004"):
        AgentSession.objects.create(center=center, batch=batch, agent_staff_no=no, start=now - timedelta(hours=1),
                                    end=now + timedelta(hours=2))
    Call.objects.create(center=center, batch=batch, call_id="a", offered_at=now - timedelta(minutes=5), outcome="answered",
                        answered_at=now - timedelta(minutes=5), wait_seconds=4, agent_staff_no="1001")
    page = login(make_staff("supervisor"))
    page.clock.install()  # the page's timers on a clock the test moves: ten page seconds, not ten real ones
    page.goto(page.base_url + "/kpi/wallboard/")
    assert page.locator("#wb-waiting").inner_text() == "0"
    Call.objects.create(center=center, batch=batch, call_id="b", offered_at=djtz.now() - timedelta(seconds=30), outcome="abandoned")
    _pause_page_clock(page)
    page.clock.run_for(10_000)  # the 10 s poll is due
    expect(page.locator("#wb-waiting")).to_have_text("1", timeout=15000)  # no wait_for_function: the CSP forbids eval
    assert page.locator("#wb-talking").inner_text() == "1"
    screenshot("kpi-wallboard")
