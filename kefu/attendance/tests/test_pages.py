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
