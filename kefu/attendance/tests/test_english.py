"""Leave, swaps, approvals and the attendance sheet in English (issue #2); reasons stay as typed."""

from datetime import date, timedelta

import pytest

from kefu.web.tests.english import assert_english, english

pytestmark = pytest.mark.django_db
REASON = "孩子家长会"


def test_leave_flow_in_english(make_staff, client_for, center):  # 002:L69-70: one day -> the supervisor approves
    agent = english(client_for(make_staff("agent", staff_no="7301")))
    assert_english(
        agent.get("/attendance/"),
        "Leave &amp; shift swaps",
        "Request leave",
        "Personal leave",
        "Sick leave",
        "Request a shift swap",
        "(no shifts rostered)",
        "No leave requests yet",
    )
    day = (date.today() + timedelta(days=10)).isoformat()
    r = agent.post("/attendance/leave/", {"kind": "personal", "start": day, "end": day, "reason": REASON}, follow=True)
    assert_english(
        r,
        "Leave request for 1 day(s) submitted; awaiting approval by Shift supervisor",
        "Pending approval",
        "Personal leave",
        user_data=(REASON,),
    )
    r = agent.post("/attendance/leave/", {"kind": "personal", "start": "", "reason": REASON}, follow=True)
    assert_english(r, "Please fill in Start date", user_data=(REASON,))  # the field named by kefu.web.inputs
    supervisor = english(client_for(make_staff("supervisor", staff_no="7302")))
    assert_english(
        supervisor.get("/attendance/approvals/"),
        "Leave requests awaiting my approval",
        "Approve",
        "Reject",
        "No shift swaps to approve",
        user_data=(REASON,),
    )
    leave_id = agent.get("/attendance/").context["leaves"][0].pk
    r = supervisor.post(f"/attendance/approvals/leave/{leave_id}/", {"decision": "approve"}, follow=True)
    assert_english(r, "Approved", "No leave requests to approve")
    assert_english(agent.get("/attendance/"), "Approved", user_data=(REASON,))


def test_sheet_in_english(make_staff, client_for):
    hr = english(client_for(make_staff("hr", staff_no="7303")))
    month = date.today().replace(day=1)
    html = assert_english(
        hr.get("/attendance/sheet/", {"month": f"{month:%Y-%m}"}),
        "Monthly attendance sheet",
        "Attendance rate",
        "Export to Excel",
        "Publish to staff",
    )
    assert month.strftime("%B %Y") in html
    r = hr.post("/attendance/sheet/publish/", {"month": f"{month:%Y-%m}"}, follow=True)
    assert_english(r, f"Attendance sheet for {month:%B %Y} published", "Published on")


def test_chinese_pages_unchanged(make_staff, client_for):
    html = client_for(make_staff("agent", staff_no="7304")).get("/attendance/").content.decode()
    assert "申请请假" in html and "事假" in html and "Request leave" not in html
    hr = client_for(make_staff("hr", staff_no="7305"))
    month = date.today().replace(day=1)
    assert f"月度考勤表 · {month:%Y年%m月}" in hr.get("/attendance/sheet/").content.decode()
    r = hr.post("/attendance/sheet/publish/", {"month": f"{month:%Y-%m}"}, follow=True)
    assert f"{month:%Y年%m月}考勤表已公布" in r.content.decode()


def test_rule_notes_in_english():  # the notes rules.check_leave stores (002:L69-74)
    from django.utils import translation

    from kefu.attendance.views import _finding

    with translation.override("en"):
        assert (
            _finding("事假需在班前1天提出（已不足），须经管理人员批准方可生效")
            == "Personal leave must be requested 1 day(s) before the shift (too late now); it takes effect only with manager approval"
        )
        assert (
            _finding("原则上夜班不允许请假，特殊情况须经管理人员批准")
            == "As a rule no leave on night shifts; exceptions need manager approval"
        )
        assert (
            _finding("本部门同日请假人数已达上限（3人）")
            == "The department already has the most people allowed on leave that day (3)"
        )
        assert _finding("家里有事") == "家里有事"
    with translation.override("zh-hans"):
        assert _finding("本部门同日请假人数已达上限（3人）") == "本部门同日请假人数已达上限（3人）"
