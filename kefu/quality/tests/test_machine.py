"""The QA evaluation on the workflow kernel (kefu/quality/machine.py): who is who, history, audit, centers, labels."""

import json

import pytest
from django.utils import translation

from kefu.errors import NotAllowed, RuleViolation
from kefu.quality import machine, services
from kefu.quality.models import Transition
from kefu.quality.tests.conftest import full_marks

pytestmark = pytest.mark.django_db


def _spot(s, agent=0, inspector=0, call_id="C1"):
    return services.assign_spot_check(
        s["center"],
        call={"call_id": call_id, "call_type": "咨询", "talk_seconds": 90},
        agent=s["agents"][agent],
        inspector=s["qa"][inspector],
    )


def test_each_step_writes_history_and_an_audit_record(qa_setup):  # 004:L943 score, 004:L1535 the agent sees it
    from kefu.audit.models import AuditRecord

    s = qa_setup
    e = services.transition(
        _spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=5), notes="用语不当"
    )
    e = services.transition(e, name="appeal", actor=s["agents"][0], reason="客户先出言不逊")
    e = services.transition(e, name="uphold", actor=s["lead"], decision_note="维持原分")
    steps = list(Transition.objects.filter(evaluation=e).values_list("name", "src", "dst", "actor__staff_no", "note"))
    assert steps == [
        ("score", "assigned", "scored", "8001", "用语不当"),
        ("appeal", "scored", "appealed", "2001", "客户先出言不逊"),
        ("uphold", "appealed", "upheld", "9001", "维持原分"),
    ]
    notes = set(AuditRecord.objects.filter(object_type="qa_evaluation").values_list("note", flat=True))
    assert notes == {"quality.evaluation.score", "quality.evaluation.appeal", "quality.evaluation.uphold"}


def test_refusals_name_who_may_act(qa_setup):
    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"]))
    with pytest.raises(NotAllowed) as err:  # a colleague may not appeal someone else's score
        services.transition(e, name="appeal", actor=s["agents"][1], reason="理由")
    assert "提出申诉：只有被监听的话务员本人可以执行此操作" == str(err.value)
    with translation.override("en"):
        assert "the evaluated agent" in str(err.value)
    e = services.transition(e, name="appeal", actor=s["agents"][0], reason="理由")
    with pytest.raises(NotAllowed) as err:  # the inspector is no team lead
        services.transition(e, name="uphold", actor=s["qa"][0], decision_note="维持")
    assert err.value.problems[0].rule == "workflow.not_your_role"


def test_a_team_lead_does_not_decide_their_own_appeal(qa_setup, make_staff):
    from kefu.org.models import Team

    s = qa_setup
    lonely = Team.objects.create(center=s["center"], code="t3", name="三班")  # no lead: any team lead decides
    lead_agent = make_staff("team_lead", "agent", staff_no="9003", team=lonely)
    e = services.assign_spot_check(
        s["center"], call={"call_id": "OWN", "talk_seconds": 90}, agent=lead_agent, inspector=s["qa"][0]
    )
    e = services.transition(e, name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=5))
    e = services.transition(e, name="appeal", actor=lead_agent, reason="理由")
    with pytest.raises(NotAllowed):
        services.transition(e, name="uphold", actor=lead_agent, decision_note="维持")
    e = services.transition(e, name="uphold", actor=s["lead"], decision_note="维持")
    assert e.state == machine.UPHELD


def test_another_centers_evaluation_is_not_found(qa_setup):
    from kefu.org import services as org_services

    s = qa_setup
    other = org_services.create_center("other", "另一中心")
    outsider = org_services.create_staff(
        other, staff_no="8009", name="外中心", roles=["qa"], username="u8009", password="Kefu-test-2026!"
    )
    e = _spot(s)
    with pytest.raises(RuleViolation) as err:
        services.transition(e, name="score", actor=outsider, marks=full_marks(s["card"]))
    assert err.value.status == 404
    e.refresh_from_db()
    assert e.state == machine.ASSIGNED


def test_api_decision_keeps_the_marks_when_upholding(qa_setup, client_for):
    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=5))
    e = services.transition(e, name="appeal", actor=s["agents"][0], reason="理由")
    res = client_for(s["lead"]).post(
        f"/api/quality/evaluations/{e.pk}/decision",
        json.dumps({"decision": "uphold", "decision_note": "维持", "marks": full_marks(s["card"])}),
        content_type="application/json",
    )
    assert res.status_code == 200 and res.json()["state"] == "upheld" and float(res.json()["total"]) == 90.0
    res = client_for(s["lead"]).post(
        f"/api/quality/evaluations/{e.pk}/decision",
        json.dumps({"decision": "revise", "decision_note": "再改"}),
        content_type="application/json",
    )
    assert res.status_code == 409


def test_a_stale_version_changes_nothing(qa_setup, client_for):
    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"]), version=1)
    assert e.version == 2
    res = client_for(s["agents"][0]).post(
        f"/api/quality/evaluations/{e.pk}/appeal",
        json.dumps({"reason": "理由", "version": 1}),
        content_type="application/json",
    )
    assert res.status_code == 409 and res.json()["detail"][0]["field"] == "version"
    e.refresh_from_db()
    assert (e.state, e.version) == (machine.SCORED, 2)
    res = client_for(s["agents"][0]).post(f"/api/quality/evaluations/{e.pk}/acknowledge?version=2")
    assert res.status_code == 200 and res.json()["state"] == "acknowledged" and res.json()["version"] == 3


def test_evaluation_labels_are_declared():
    from kefu.messages import catalogue
    from kefu.workflow import check_declared

    assert check_declared([machine.MACHINE], catalogue()) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_appeal_and_decision_in_the_browser(qa_setup, page, login, screenshot):
    s = qa_setup
    e = services.transition(
        _spot(s, call_id="CALL-APPEAL"), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=5)
    )
    login(s["agents"][1])  # a colleague sees no buttons on someone else's score
    page.goto(f"{page.base_url}/quality/evaluations/{e.pk}/")
    assert page.locator("button[value=appeal]").count() == 0
    page.context.clear_cookies()
    login(s["agents"][0])
    page.goto(f"{page.base_url}/quality/evaluations/{e.pk}/")
    page.fill("textarea[name=reason]", "客户先出言不逊，我未使用忌语")
    page.click("button[value=appeal]")
    assert "申诉中" in page.inner_text("h1")
    page.context.clear_cookies()
    login(s["lead"])
    page.goto(f"{page.base_url}/quality/evaluations/{e.pk}/")
    page.fill("textarea[name=decision_note]", "复听录音，确有不当用语，维持原分")
    page.click("button[value=uphold]")
    assert "申诉驳回（维持原分）" in page.inner_text("h1") and "已维持原分" in page.inner_text(".messages")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"quality-upheld-{width}")
