"""Leave and approvals in a real Chromium (002:L69-70)."""
from datetime import date, timedelta

import pytest

from kefu.attendance.models import LeaveRequest

pytestmark = pytest.mark.browser


def test_agent_asks_for_leave_and_supervisor_approves(make_staff, page, login, screenshot):
    agent = make_staff("agent", staff_no="1001")
    supervisor = make_staff("supervisor", staff_no="9100")
    day = (date.today() + timedelta(days=10)).isoformat()
    login(agent)
    page.goto(page.base_url + "/attendance/")
    page.select_option("select[name=kind]", "personal")
    page.fill("input[name=start]", day)
    page.fill("input[name=end]", day)
    page.fill("form[action$='/leave/'] input[name=reason]", "孩子家长会")
    page.click("text=提交请假")
    assert "已提交1天请假" in page.inner_text(".messages")
    assert "待审批" in page.inner_text("main")
    screenshot("attendance-mine")
    page.context.clear_cookies()
    login(supervisor)
    page.goto(page.base_url + "/attendance/approvals/")
    row = page.locator("tr", has_text="孩子家长会")
    assert "1001" in row.inner_text()
    screenshot("attendance-approvals")
    row.locator("button[value=approve]").click()
    assert "已批准" in page.inner_text(".messages")
    assert LeaveRequest.objects.get().state == LeaveRequest.State.APPROVED


def test_empty_leave_end_date_is_explained(make_staff, page, login):
    agent = make_staff("agent", staff_no="1002")
    login(agent)
    page.goto(page.base_url + "/attendance/")
    day = (date.today() + timedelta(days=5)).isoformat()
    earlier = (date.today() + timedelta(days=4)).isoformat()
    page.fill("input[name=start]", day)
    page.fill("input[name=end]", earlier)
    page.fill("form[action$='/leave/'] input[name=reason]", "事")
    page.click("text=提交请假")
    assert "结束日期不能早于开始日期" in page.inner_text(".messages")
    assert not LeaveRequest.objects.exists()


def test_month_sheet_page_and_excel(make_staff, page, login, screenshot, monkeypatch):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from kefu.attendance import rules, services

    sh = ZoneInfo("Asia/Shanghai")
    monday = datetime(2026, 11, 2, 8, tzinfo=sh)
    agent = make_staff("agent", staff_no="1003")
    hr = make_staff("hr", staff_no="9300")
    monkeypatch.setattr(services, "scheduled_shifts", lambda c, s, e: {"1003": [
        rules.Shift("1003", monday + timedelta(days=d), monday + timedelta(days=d, hours=9)) for d in range(3)]})
    services.import_clock_csv(agent.center, "工号,时间,方向\n1003,2026-11-02 08:25,上班\n1003,2026-11-02 17:00,下班\n1003,2026-11-03 07:55,上班\n1003,2026-11-03 17:05,下班\n".encode(), "c.csv")
    login(hr)
    page.goto(page.base_url + "/attendance/sheet/?month=2026-11")
    row = page.locator("tr", has_text="1003").inner_text()
    # 3 shifts: one 25 min late (violation, 002:L75), one on time, one without a punch (absent).
    assert row.split("\t")[2:10] == ["3", "0", "2", "1", "0", "1", "0", "2"]
    screenshot("attendance-sheet")
    with page.expect_download() as info:
        page.click("text=导出 Excel")
    assert info.value.suggested_filename == "attendance-2026-11.xlsx"
