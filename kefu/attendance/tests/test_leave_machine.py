"""Leave requests on the workflow kernel (kefu/attendance/machine.py LEAVE): the approval ladder step by step, no
skipping a level and nobody approving their own leave (002:L70), the applicant's withdrawal, version, centers, audit."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.attendance import machine, services
from kefu.attendance.models import LeaveRequest
from kefu.errors import Conflict, NotAllowed, RuleViolation
from kefu.org.models import Department

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def people(center, make_staff):
    dept = Department.objects.create(center=center, code="cc", name="一线", kind="front_line")
    return {
        "agent": make_staff("agent", staff_no="1001", department=dept),
        "sup": make_staff("supervisor", staff_no="9100", department=dept),
        "sup2": make_staff("supervisor", staff_no="9101", department=dept),
        "mgr": make_staff("manager", staff_no="9200", department=dept),
        "lead": make_staff("team_lead", staff_no="9001", department=dept),
    }


def _leave(staff, steps, reason="家事") -> LeaveRequest:
    return LeaveRequest.objects.create(
        staff=staff,
        kind="personal",
        start=date(2026, 12, 3),
        end=date(2026, 12, 3),
        days=1,
        reason=reason,
        submitted_at=datetime(2026, 12, 1, 9, tzinfo=SH),
        steps=steps,
    )


def test_nobody_approves_their_own_leave(people):  # 002:L70
    own = _leave(people["sup"], ["supervisor"])
    for approve in (True, False):
        with pytest.raises(NotAllowed) as err:
            services.decide_leave(own.pk, people["sup"], approve=approve)
        assert err.value.problems[0].rule == "workflow.own_request"
        assert "不能审批自己提出的申请" in str(err.value)
    own.refresh_from_db()
    assert (own.state, own.approvals, own.version) == ("submitted", [], 1)
    # another supervisor decides it
    done = services.decide_leave(own.pk, people["sup2"], approve=True, note="同意")
    assert done.state == "approved" and done.approvals[0]["staff_no"] == "9101" and done.approvals[0]["note"] == "同意"


def test_ladder_goes_step_by_step_without_skipping(people):  # 002:L70 不允许越级请假, 003:L451 两级审批
    leave = _leave(people["agent"], ["team_lead", "manager"])
    with pytest.raises(NotAllowed) as err:  # the manager may not act before the team lead
        services.decide_leave(leave.pk, people["mgr"], approve=True)
    assert err.value.problems[0].rule == "approval_level" and "班长" in str(err.value)
    with pytest.raises(NotAllowed) as err:  # an agent holds no approver role at all
        services.decide_leave(leave.pk, people["agent"], approve=True)
    assert err.value.problems[0].rule == "workflow.not_your_role"
    leave = services.decide_leave(leave.pk, people["lead"], approve=True)
    assert leave.state == "submitted" and leave.next_step == "manager" and leave.version == 2
    leave = services.decide_leave(leave.pk, people["mgr"], approve=True, version=2)
    assert leave.state == "approved" and [a["role"] for a in leave.approvals] == ["team_lead", "manager"]
    with pytest.raises(RuleViolation) as err:  # an ended request cannot be decided again
        services.decide_leave(leave.pk, people["mgr"], approve=False)
    assert err.value.status == 409


def test_one_rejection_ends_it_and_a_stale_version_changes_nothing(people):
    leave = _leave(people["agent"], ["team_lead", "manager"])
    with pytest.raises(Conflict):
        services.decide_leave(leave.pk, people["lead"], approve=False, version=7)
    assert LeaveRequest.objects.get(pk=leave.pk).approvals == []
    leave = services.decide_leave(leave.pk, people["lead"], approve=False, note="人手不足", version=1)
    assert leave.state == "rejected" and leave.approvals[0]["decision"] == "reject"


def test_only_the_applicant_withdraws(people):
    leave = _leave(people["agent"], ["supervisor"])
    with pytest.raises(NotAllowed):
        services.cancel_leave(leave.pk, people["sup"])
    services.decide_leave(leave.pk, people["sup"], approve=True)
    leave = services.cancel_leave(leave.pk, people["agent"])  # an approved leave may still be withdrawn
    assert leave.state == "cancelled"
    with pytest.raises(RuleViolation) as err:
        services.cancel_leave(leave.pk, people["agent"])
    assert err.value.status == 409


def test_another_centers_request_is_not_found_and_decisions_are_audited(people):
    from kefu.audit.models import AuditRecord
    from kefu.org import services as org_services

    other = org_services.create_center("other", "另一中心")
    outsider = org_services.create_staff(
        other, staff_no="7001", name="外中心", roles=["supervisor"], username="u7001", password="Kefu-test-2026!"
    )
    leave = _leave(people["agent"], ["supervisor"])
    with pytest.raises(RuleViolation) as err:
        services.decide_leave(leave.pk, outsider, approve=True)
    assert err.value.status == 404
    services.decide_leave(leave.pk, people["sup"], approve=True)
    assert AuditRecord.objects.filter(object_type="leave_request", note="attendance.leave.approve").count() == 1


def test_api_refuses_own_approval_in_the_readers_language(people, client_for):
    own = _leave(people["sup"], ["supervisor"])
    client = client_for(people["sup"])
    assert own.pk not in [r["id"] for r in client.get("/api/attendance/leave/pending").json()]
    res = client.post(
        f"/api/attendance/leave/{own.pk}/decision", json.dumps({"approve": True}), content_type="application/json"
    )
    assert res.status_code == 403 and res.json()["detail"][0]["rule"] == "workflow.own_request"
    client.cookies["django_language"] = "en"
    res = client.post(
        f"/api/attendance/leave/{own.pk}/decision", json.dumps({"approve": True}), content_type="application/json"
    )
    assert res.status_code == 403 and "own" in res.json()["detail"][0]["message"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in res.json()["detail"][0]["message"])
    client.cookies["django_language"] = "zh-hans"
    res = client_for(people["sup2"]).post(
        f"/api/attendance/leave/{own.pk}/decision",
        json.dumps({"approve": True, "version": 1}),
        content_type="application/json",
    )
    assert res.status_code == 200 and res.json()["state"] == "approved"


def test_approvals_page_lists_neither_own_nor_other_centers_requests(people, client_for):
    from kefu.org import services as org_services

    other = org_services.create_center("other", "另一中心")
    stranger = org_services.create_staff(
        other, staff_no="7002", name="外中心", roles=["agent"], username="u7002", password="Kefu-test-2026!"
    )
    _leave(people["sup"], ["supervisor"], reason="本人事由")
    _leave(people["agent"], ["supervisor"], reason="同事事由")
    _leave(stranger, ["supervisor"], reason="外中心事由")
    html = client_for(people["sup"]).get("/attendance/approvals/").content.decode()
    assert "同事事由" in html and "本人事由" not in html and "外中心事由" not in html


def test_leave_labels_are_declared():
    from kefu.messages import catalogue
    from kefu.workflow import check_declared

    assert check_declared([machine.LEAVE], catalogue()) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_approves_a_colleagues_leave_but_never_sees_their_own(people, page, login, screenshot):  # 002:L70
    _leave(people["sup"], ["supervisor"], reason="本人事由")
    _leave(people["agent"], ["supervisor"], reason="孩子家长会")
    login(people["sup"])
    page.goto(page.base_url + "/attendance/approvals/")
    assert "本人事由" not in page.inner_text("main")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"attendance-approvals-{width}")
    page.locator("tr", has_text="孩子家长会").locator("button[value=approve]").click()
    assert "已批准" in page.inner_text(".messages")
    assert LeaveRequest.objects.get(reason="孩子家长会").state == "approved"
