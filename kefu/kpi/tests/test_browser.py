"""Real Chromium: the dashboard colours metrics against targets, the metric page draws its trend, the wallboard polls."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from kefu.kpi import services

pytestmark = pytest.mark.browser
UTC = UTC


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
            sessions.append(
                AgentSession(
                    center=center,
                    batch=batch,
                    agent_staff_no=a.staff_no,
                    agent=a,
                    start=base,
                    end=base + timedelta(hours=8),
                )
            )
        for n in range(40):
            a = rng.choice(agents)
            wait = rng.expovariate(1 / (8 + day))
            outcome = "abandoned" if rng.random() < 0.03 + day / 400 else "answered"
            ans = outcome == "answered"
            calls.append(
                Call(
                    center=center,
                    batch=batch,
                    call_id=f"{day}-{n}",
                    queue="hotline",
                    call_type=rng.choice(["业务咨询", "投诉"]),
                    offered_at=base + timedelta(minutes=rng.randrange(470)),
                    outcome=outcome,
                    queued=True,
                    wait_seconds=round(wait, 1),
                    talk_seconds=rng.randint(120, 420) if ans else 0,
                    acw_seconds=rng.randint(30, 90) if ans else 0,
                    agent_staff_no=a.staff_no if ans else "",
                    agent=a if ans else None,
                    team=a.team if ans else None,
                )
            )
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
        AgentSession.objects.create(
            center=center, batch=batch, agent_staff_no=no, start=now - timedelta(hours=1), end=now + timedelta(hours=2)
        )
    Call.objects.create(
        center=center,
        batch=batch,
        call_id="a",
        offered_at=now - timedelta(minutes=5),
        outcome="answered",
        answered_at=now - timedelta(minutes=5),
        wait_seconds=4,
        agent_staff_no="1001",
    )
    page = login(make_staff("supervisor"))
    page.clock.install()  # the page's timers on a clock the test moves: ten page seconds, not ten real ones
    page.goto(page.base_url + "/kpi/wallboard/")
    assert page.locator("#wb-waiting").inner_text() == "0"
    Call.objects.create(
        center=center, batch=batch, call_id="b", offered_at=djtz.now() - timedelta(seconds=30), outcome="abandoned"
    )
    _pause_page_clock(page)
    page.clock.run_for(10_000)  # the 10 s poll is due
    expect(page.locator("#wb-waiting")).to_have_text("1", timeout=15000)  # no wait_for_function: the CSP forbids eval
    assert page.locator("#wb-talking").inner_text() == "1"
    screenshot("kpi-wallboard")


STATUS_RANK = {"bad": 0, "warn": 1}


def test_dashboard_charts_put_the_off_target_metrics_first(october, make_staff, login, screenshot):
    page = login(make_staff("supervisor"))
    for width, height in ((1920, 1080), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(page.base_url + "/kpi/?period=month&month=2026-10")
        page.wait_for_selector("#breakdown-chart canvas")
        screenshot(f"kpi-dashboard-{width}")
    cards = page.locator("#off-target .trend-card")
    statuses = [c.split("st-")[1].split()[0] for c in cards.evaluate_all("els => els.map(e => e.className)")]
    assert statuses and set(statuses) <= {"bad", "warn"}
    assert statuses == sorted(statuses, key=STATUS_RANK.get)  # 未达标 before 预警
    for code in cards.evaluate_all("els => els.map(e => e.dataset.code)"):
        chart = page.locator(f'[data-trend="{code}"]')
        if chart.count():  # every off-target metric with daily data draws its trend against the target
            assert chart.locator("canvas").count() == 1
            assert int(chart.get_attribute("data-points")) == 20  # 20 days of October have calls
    first_rows = page.locator(".kpi-table tbody tr:first-child").evaluate_all("els => els.map(e => e.className)")
    assert any("st-bad" in c for c in first_rows)  # inside each group too, the missed metrics come first
    # the bars compare the two teams on the first off-target metric they have; another metric can be picked
    assert page.locator("#breakdown-chart").get_attribute("data-bars") == "2"
    page.select_option("select[name=bm]", "M9")
    page.wait_for_url("**bm=M9**")
    page.wait_for_selector("#breakdown-chart canvas")
    assert page.locator("select[name=bm]").input_value() == "M9"
    assert "period=month" in page.url  # the chosen period is kept
    # a team's view compares its agents
    page.click("#breakdown summary")
    assert page.locator("#breakdown tbody tr").count() == 2


def test_dashboard_at_phone_width(october, make_staff, login, screenshot):
    page = login(make_staff("supervisor"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/kpi/?period=month&month=2026-10")
    page.wait_for_selector("#breakdown-chart canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no page-wide sideways scrolling
    assert not page.locator(".kpi-table th.opt").first.is_visible()  # numerator, denominator columns left out
    screenshot("kpi-dashboard-390")
    page.goto(page.base_url + "/kpi/?period=month&month=2026-10&scope=team&key=" + str(october[0].team_id))
    page.wait_for_selector("#breakdown-chart canvas")
    assert page.locator("#breakdown-chart").get_attribute("data-bars") == "3"  # the team's three agents
    screenshot("kpi-dashboard-team-390")


def test_wallboard_charts_through_the_day(center, make_staff, login, screenshot):
    from django.utils import timezone as djtz

    from kefu.kpi.selectors import local_midnight
    from kefu.telephony.models import AgentSession, Call, ImportBatch

    now = djtz.now()
    midnight = local_midnight(center, djtz.localtime(now).date())
    batch = ImportBatch.objects.create(center=center, kind="simulator", file_name="day", sha256="c" * 64)
    for no in ("1001", "1002", "1003"):
        AgentSession.objects.create(
            center=center, batch=batch, agent_staff_no=no, start=now - timedelta(hours=1), end=now + timedelta(hours=2)
        )
    calls = []
    for i in range(int((now - midnight).total_seconds() // 1800)):  # two calls in every past half hour
        at = midnight + timedelta(minutes=30 * i + 5)
        calls.append(
            Call(
                center=center,
                batch=batch,
                call_id=f"q{i}",
                offered_at=at,
                outcome="answered",
                queued=True,
                answered_at=at + timedelta(seconds=10),
                wait_seconds=10,
                agent_staff_no="1002",
                ended_at=at + timedelta(minutes=2),
            )
        )
        calls.append(
            Call(
                center=center,
                batch=batch,
                call_id=f"r{i}",
                offered_at=at + timedelta(seconds=2),
                outcome="answered",
                queued=True,
                answered_at=at + timedelta(seconds=40),
                wait_seconds=38,
                agent_staff_no="1003",
                ended_at=at + timedelta(minutes=3),
            )
        )
    Call.objects.bulk_create(calls)
    page = login(make_staff("supervisor"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(page.base_url + "/kpi/wallboard/")
    page.wait_for_selector("#wb-sl-chart canvas")
    assert (
        page.locator("#wb-waiting-chart canvas").count() == 1 and page.locator("#wb-agents-chart canvas").count() == 1
    )
    assert (
        int(page.locator("#wb-sl-chart").get_attribute("data-points")) == len(calls) // 2
    )  # one point per past half hour
    assert page.locator("#wb-ready-list .chip").all_inner_texts() == ["1001", "1002", "1003"]
    screenshot("kpi-wallboard-1920")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("#wb-sl-chart canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("kpi-wallboard-390")
