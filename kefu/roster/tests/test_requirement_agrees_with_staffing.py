"""The staffing page (kefu.wfm) and the roster page show the same requirement for the same half hour (issue 13).

Before, the staffing page said 12 agents at 09:00 where the roster said 4: the roster fell back to its default
profile for the whole period when one day lacked a forecast, and added the month-start uplift (004:L761) on top of a
forecast that already carries the month-start peak.
"""

import json
import math
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import PASSWORD
from kefu.org.models import Policy
from kefu.roster import services
from kefu.wfm import services as wfm_services
from kefu.wfm.tests.test_services import add_calls

TZ = ZoneInfo("Asia/Shanghai")
START = date(2026, 6, 29)  # a Monday; 07-01..07-05 are month-start days; 07-06 has no forecast


def _plan(center, make_staff):
    """Four weeks of calls (09:00-09:29: 60 calls, 54 answered, 180 s handled), a 7-day forecast, an 8-day roster."""
    rows = []
    for k in range(28):
        d = START - timedelta(days=28 - k)
        for i in range(60):
            t = datetime(d.year, d.month, d.day, 9, i // 2, tzinfo=TZ)
            rows.append((t, "answered" if i < 54 else "abandoned", 150 if i < 54 else 0, 30 if i < 54 else 0, "1001"))
    add_calls(center, rows)
    # the forecast sees no month-start effect in June; the roster's month-start uplift would add 15 % (004:L761)
    Policy.objects.filter(center=center).update(
        overrides={"wfm": {"forecast": {"history_weeks": 4, "month_start_days": 0}}}
    )
    wfm_services.build_forecast(center, start=START, days=7)
    for no in ("3001", "3002", "3003"):
        make_staff("agent", staff_no=no)
    lead = make_staff("supervisor", staff_no="9001")
    roster = services.generate(center, start=START, days=8, actor=lead, time_limit=3)
    return lead, roster


@pytest.fixture(scope="module")
def planned(django_db_setup, django_db_blocker):
    """_plan once for the module's tests that only read it (or change it inside their own transaction, which nests
    in this one as a savepoint): the calls, the forecast and the CP-SAT roster cost seconds. Rolled back after the
    module's last test."""
    from django.db import transaction

    from kefu.org import services as org_services

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            center = org_services.create_center("test", "测试中心")
            made = iter(range(5000, 9999))

            def make_staff(*roles, staff_no=None):
                no = staff_no or str(next(made))
                return org_services.create_staff(
                    center, staff_no=no, name=f"员工{no}", roles=list(roles), username=f"u{no}", password=PASSWORD
                )

            yield _plan(center, make_staff)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def planned_live(center, make_staff):
    """_plan for a page test: the live server reads committed rows, so it is built in the test's own database."""
    return _plan(center, make_staff)


def staffing_row(html: str, label: str) -> tuple[int, int, str]:
    """(需在线, 需排班, 决定因素) of the staffing page's row for `label` (HH:MM)."""
    row = re.search(rf"<tr><td>{label}</td>(.*?)</tr>", html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return int(cells[3]), int(cells[4]), cells[-1]


def roster_chart(html: str) -> dict:
    return json.loads(re.search(r'<script id="cover-data" type="application/json">(.*?)</script>', html, re.S).group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("day", [START, START + timedelta(days=3)])  # an ordinary day and a month-start day
def test_both_pages_show_the_same_requirement_for_the_same_half_hour(planned, client_for, day):
    lead, roster = planned
    client = client_for(lead)
    staffing = client.get(f"/wfm/staffing/?day={day}")
    assert staffing.status_code == 200
    page = client.get(f"/roster/{roster.id}/")
    assert page.status_code == 200
    chart = roster_chart(page.content.decode())
    shrinkage = wfm_services.policy(roster.center)["targets"]["shrinkage"]  # the preset's 30 %
    for label in ("09:00", "09:30", "03:00"):
        on_phones, to_schedule, _binding = staffing_row(staffing.content.decode(), label)
        i = chart["labels"].index(f"{day:%m-%d} {label}")
        assert chart["required"][i] == to_schedule, label
        assert chart["on_phones"][i] == on_phones, label
        assert to_schedule == math.ceil(round(on_phones / (1 - shrinkage), 6))  # shrinkage shown as a step
    on_phones, to_schedule, _ = staffing_row(staffing.content.decode(), "09:00")
    assert to_schedule > on_phones > 0  # the busy half hour: shrinkage changes the figure


@pytest.mark.django_db
def test_the_roster_page_says_where_its_requirement_comes_from(planned, client_for):
    lead, roster = planned
    html = client_for(lead).get(f"/roster/{roster.id}/").content.decode()
    basis = re.search(r'<p class="muted" id="requirement-basis">(.*?)</p>', html, re.S).group(1)
    assert "7 天的需求与“人力需求”页的“需排班”相同" in basis and "缺勤系数 30%" in basis
    assert "以下日期没有话务预测" in basis and "07-06" in basis
    # the day without a forecast takes the policy's profile (004:L741), scaled to the team, with no 需在线 line
    chart = roster_chart(html)
    last = chart["labels"].index("07-06 09:00")
    assert chart["on_phones"][last] is None
    assert chart["required"][last] == round(services.roster_policy(roster.center)["default_profile"][18] * 3 / 40)


@pytest.mark.django_db
def test_occupancy_cap_is_named_where_it_sets_the_figure(planned, client_for):
    lead, roster = planned
    Policy.objects.filter(center=roster.center).update(
        overrides={"wfm": {"forecast": {"history_weeks": 4, "month_start_days": 0}, "targets": {"occupancy_cap": 0.5}}}
    )
    capped = services.generate(roster.center, start=START, days=2, actor=lead, time_limit=3)
    client = client_for(lead)
    html = client.get(f"/roster/{capped.id}/").content.decode()
    _, to_schedule, binding = staffing_row(client.get(f"/wfm/staffing/?day={START}").content.decode(), "09:00")
    assert binding == "占线率上限"
    chart = roster_chart(html)
    assert chart["required"][chart["labels"].index(f"{START:%m-%d} 09:00")] == to_schedule
    assert "个时段的需在线人数由占线率上限 50% 决定" in html


@pytest.mark.browser
def test_roster_page_basis_at_desktop_and_phone_width(planned_live, page, login, screenshot):
    lead, roster = planned_live
    login(lead)
    for width, name in ((1440, "roster-requirement-basis"), (390, "roster-requirement-basis-phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base_url + f"/roster/{roster.id}/")
        basis = page.locator("#requirement-basis")
        assert "缺勤系数 30%" in basis.inner_text() and "07-06" in basis.inner_text()
        page.locator("#cover-chart canvas").first.wait_for()
        screenshot(name)
