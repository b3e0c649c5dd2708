"""Pages in Chromium: forecast, staffing chart, five tables, and the supervisor's floor panel (HTMX)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.wfm import services
from kefu.wfm.models import FloorStep
from kefu.wfm.tests.test_services import add_calls, use_policy

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history(center):
    """Four weeks of June 2026: a morning and an afternoon peak, more on Mondays."""
    rows = []
    for k in range(28):
        d = date(2026, 6, 1) + timedelta(days=k)
        for hour, n in ((8, 30), (9, 90), (10, 120), (11, 80), (14, 100), (15, 110), (16, 60), (20, 25), (2, 4)):
            n = int(n * (1.2 if d.weekday() == 0 else 0.7 if d.weekday() >= 5 else 1.0))
            for i in range(n):
                t = datetime(d.year, d.month, d.day, hour, (i * 59) // max(n, 1), tzinfo=TZ)
                rows.append(
                    (
                        t,
                        "answered" if i % 12 else "abandoned",
                        170 if i % 12 else 0,
                        40 if i % 12 else 0,
                        f"10{i % 15:02d}",
                    )
                )
    add_calls(center, rows)
    use_policy(center, forecast={"history_weeks": 4})


def test_forecast_and_staffing_pages(center, make_staff, login, page, screenshot):
    _history(center)
    services.build_forecast(center, start=date(2026, 6, 29), days=7)
    lead = make_staff("team_lead")
    login(lead)
    page.goto(page.base_url + "/wfm/forecast/?start=2026-06-29")
    page.wait_for_selector("#forecast-chart canvas")
    assert page.locator("#wape").inner_text().endswith("%")
    screenshot("wfm-forecast")
    page.goto(page.base_url + "/wfm/staffing/?day=2026-06-29&model=A")
    page.wait_for_selector("#staffing-chart canvas")
    assert "需在线" in page.content() and "Erlang A" in page.content()
    screenshot("wfm-staffing")


def test_five_tables_page(center, make_staff, login, page, screenshot):
    _history(center)
    services.build_forecast(center, start=date(2026, 6, 22), days=7)  # a forecast inside last month for ④⑤
    services.build_forecast(center, start=date(2026, 7, 1), days=3)
    login(make_staff("manager"))
    page.goto(page.base_url + "/wfm/five-tables/?month=2026-07")
    for table in ("#table1", "#table2", "#table3", "#table4", "#table5"):
        page.wait_for_selector(table)
    page.wait_for_selector("#chart4 canvas")
    assert "① 本月每天每时段员工的座席数及日平均席数表" in page.content()
    screenshot("wfm-five-tables")


def test_supervisor_confirms_on_the_floor_panel(center, make_staff, login, page, screenshot):
    # 004:L767: the ladder proposes the floating experts; the supervisor confirms on the panel (HTMX)
    sup = make_staff("supervisor")
    make_staff("senior_agent", staff_no="2001")
    from django.utils import timezone

    t0 = timezone.now() - timedelta(minutes=30)  # observations in the past; the day or the night rule (004:L785)
    for m in range(0, 6):
        services.observe_floor(center, 7, now=t0 + timedelta(minutes=m))
    label = FloorStep.objects.get(center=center, status="pending").label
    login(sup)
    page.goto(page.base_url + "/wfm/floor/")
    page.wait_for_selector(f"#pending >> text={label}")
    page.fill("input[name=staff_nos]", "2001")
    page.click("button[value=confirm]")
    page.wait_for_selector(f"#signed-in >> text={label}")
    page.wait_for_selector("#floor-log >> text=已确认")
    step = FloorStep.objects.get(center=center)
    assert step.status == "confirmed" and step.decided_by == sup and step.staff_nos == ["2001"]
    page.fill("input[name=waiting]", "12")
    page.click("#observe-form button[type=submit]")
    page.wait_for_selector("#waiting >> text=12")
    screenshot("wfm-floor")
