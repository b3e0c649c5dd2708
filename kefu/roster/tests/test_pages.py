"""The roster page in a real Chromium: grid by staff number, cover chart, rule report, HTMX edits."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from kefu.roster import services
from kefu.roster.models import Assignment, RosterEdit

pytestmark = pytest.mark.browser

START = date(2030, 3, 4)


def _roster(center, make_staff):
    for i in range(6):
        make_staff("agent", staff_no=str(3101 + i))
    lead = make_staff("supervisor", staff_no="3990")
    row = [0] * 16 + [2] * 20 + [1] * 12
    roster = services.generate(
        center, start=START, days=7, actor=lead, requirement=[row] * 7, holidays=[6], time_limit=3
    )
    return lead, roster


def test_planner_sees_grid_chart_report_and_edits_cells(center, make_staff, page, login, screenshot):
    lead, roster = _roster(center, make_staff)
    login(lead)
    page.goto(page.base_url + f"/roster/{roster.id}/")
    grid = page.locator("table.roster-grid")
    assert "3101" in grid.inner_text() and "3106" in grid.inner_text()
    page.locator(
        "#cover-chart canvas"
    ).first.wait_for()  # the chart is drawn (the CSP forbids wait_for_function's eval)
    assert "所有硬性规则均满足" in page.inner_text("#violations")
    screenshot("roster-detail")

    # a night followed by a morning is refused, naming the rule (004:L745)
    night = (
        Assignment.objects.filter(roster=roster, code="N", day__lt=START + timedelta(days=6))
        .select_related("staff")
        .first()
    )
    nxt = (night.day + timedelta(days=1)).isoformat()
    page.select_option(f"select[data-staff='{night.staff.staff_no}'][data-day='{nxt}']", "D")
    page.wait_for_selector("#roster-body .messages")
    assert "班次衔接" in page.inner_text("#roster-body .messages")
    assert not Assignment.objects.filter(
        roster=roster, staff=night.staff, day=night.day + timedelta(days=1), code="D"
    ).exists()
    screenshot("roster-edit-refused")

    # taking a day shift away is accepted with a recorded cover warning
    cell = Assignment.objects.filter(roster=roster, code__in=["D", "R"]).select_related("staff").first()
    page.select_option(f"select[data-staff='{cell.staff.staff_no}'][data-day='{cell.day.isoformat()}']", "")
    expect(page.locator("#roster-body .messages").first).to_contain_text("软性规则警告")
    assert RosterEdit.objects.filter(roster=roster, staff=cell.staff, day=cell.day).exists()
    assert "人手不足" in page.inner_text("#roster-body")
    screenshot("roster-edit-warning")


def test_agent_sees_published_roster_without_editing(center, make_staff, page, login, screenshot):
    lead, roster = _roster(center, make_staff)
    services.publish(roster, lead)
    from kefu.org.models import Staff

    agent = Staff.objects.get(staff_no="3101")
    login(agent)
    page.goto(page.base_url + "/roster/")
    page.click(f"a[href='/roster/{roster.id}/']")
    assert page.locator("table.roster-grid select").count() == 0
    assert "已发布" in page.inner_text("h1")
    page.goto(page.base_url + "/roster/")
    page.fill("input[name=day]", (date.today() + timedelta(days=9)).isoformat())
    page.click("text=提交请求")
    assert "排班请求已提交" in page.inner_text(".messages")
    screenshot("roster-agent-index")


def test_planner_previews_a_repair_then_applies_it_and_the_people_affected_are_told(
    center, make_staff, page, login, screenshot
):
    """Re-rostering after an absence on the page (issue 18, item 3): the preview names who is affected and how and
    writes nothing; applying writes the moved cells and notifies those people."""
    from kefu.notify.models import Notification

    lead, roster = _roster(center, make_staff)
    services.publish(roster, lead)
    cell = Assignment.objects.filter(roster=roster).select_related("staff").order_by("day", "staff__staff_no").first()
    before = sorted(Assignment.objects.filter(roster=roster).values_list("staff__staff_no", "day", "code"))
    page.set_default_timeout(60_000)  # the preview is solved while the planner waits (the policy allows it 15 s)
    login(lead)
    page.goto(page.base_url + f"/roster/{roster.id}/")
    page.fill("#repair-absences", f"{cell.staff.staff_no} {cell.day.isoformat()}")
    page.click("#repair-preview")
    result = page.locator("#repair-result")
    expect(result).to_contain_text("受影响")
    row = page.locator("#repair-moves tr", has_text=cell.staff.staff_no)
    expect(row).to_contain_text("缺勤")
    expect(row).to_contain_text(f"{cell.day.isoformat()[5:]}: {cell.code} → 休息")
    assert sorted(Assignment.objects.filter(roster=roster).values_list("staff__staff_no", "day", "code")) == before
    assert Notification.objects.count() == 0
    screenshot("roster-repair-preview")
    page.set_viewport_size({"width": 390, "height": 844})
    box = page.locator("#repair-apply").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot("roster-repair-preview-phone")
    page.set_viewport_size({"width": 1400, "height": 900})

    page.click("#repair-apply")
    expect(page.locator(".messages")).to_contain_text("已按缺勤重排")
    assert not Assignment.objects.filter(roster=roster, staff=cell.staff, day=cell.day).exists()
    moved = RosterEdit.objects.filter(roster=roster)
    told = set(Notification.objects.filter(code="roster.repair.changed").values_list("recipient__staff_no", flat=True))
    assert cell.staff.staff_no in told and told == {e.staff.staff_no for e in moved.select_related("staff")}
    assert (
        page.locator(f"select[data-staff='{cell.staff.staff_no}'][data-day='{cell.day.isoformat()}']").input_value()
        == ""
    )
    screenshot("roster-repair-applied")


def test_agent_reads_my_roster_from_the_top_bar_at_desk_and_phone_width(center, make_staff, page, login, screenshot):
    """我的排班 (issue 17, item 5): the agent's own published shifts by name and local hours, days off, readable at 390 px."""
    from django.utils import timezone

    from kefu.org.models import Staff

    first = timezone.localdate().replace(day=1)
    for i in range(6):
        make_staff("agent", staff_no=str(3101 + i))
    lead = make_staff("supervisor", staff_no="3990")
    row = [0] * 16 + [2] * 20 + [1] * 12
    roster = services.generate(center, start=first, days=14, actor=lead, requirement=[row] * 14, time_limit=3)
    services.publish(roster, lead)
    agent = Staff.objects.get(staff_no="3101")
    mine = {a.day: a for a in Assignment.objects.filter(roster=roster, staff=agent).select_related("shift")}
    login(agent)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(page.base_url + "/roster/")
    mine_link = page.locator("nav a[href='/roster/mine/']")
    if not mine_link.is_visible():  # inside the roster menu: open it
        page.locator("nav .menu", has=page.locator("a[href='/roster/mine/']")).locator(".menu-title").hover()
    mine_link.click()
    page.wait_for_url("**/roster/mine/")
    assert "我的排班" in page.inner_text("h1")
    for d in range(14):
        day = first + timedelta(days=d)
        text = page.inner_text(f"tr[data-day='{day.isoformat()}']")
        if day in mine and mine[day].shift:
            assert mine[day].shift.name in text and f"{mine[day].shift.start:%H:%M}" in text
        elif day not in mine:
            assert "休息" in text
    assert "FEASIBLE" not in page.content() and "OPTIMAL" not in page.content()
    screenshot("roster-mine-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    card = page.locator("section.my-roster").first.bounding_box()
    table = page.locator("table.my-days").first.bounding_box()
    assert table["x"] + table["width"] <= card["x"] + card["width"] <= 390  # the days fit the phone's width
    screenshot("roster-mine-390")
