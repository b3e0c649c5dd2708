"""Scoring, calibration and appeals in a real Chromium; screenshots in artifacts/screenshots/quality-*.png."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.quality import machine, services
from kefu.quality.models import Appeal, Evaluation
from kefu.quality.tests.conftest import full_marks

pytestmark = pytest.mark.browser


def _spot(s, call_id, agent=0, inspector=0):
    return services.assign_spot_check(
        s["center"],
        call={
            "call_id": call_id,
            "call_type": "投诉",
            "talk_seconds": 245,
            "offered_at": timezone.now() - timedelta(hours=2),
        },
        agent=s["agents"][agent],
        inspector=s["qa"][inspector],
    )


def test_inspector_scores_a_call(qa_setup, page, login, screenshot):  # 004:L943, 004:L1531
    s = qa_setup
    e = _spot(s, "CALL-0001")
    login(s["qa"][0])
    page.goto(page.base_url + "/quality/")
    assert "0 / 5" in page.inner_text("#coverage")  # nobody monitored yet this month (004:L1531)
    screenshot("quality-tasks")
    page.locator(f"a[href='/quality/evaluations/{e.pk}/']").first.click()  # a call is listed by its local time
    page.fill("input[name=awarded_accuracy]", "15")
    page.fill("input[name=comment_accuracy]", "资费解释不完整")
    page.fill("input[name=awarded_restate]", "6")
    assert page.inner_text("#total") == "91"  # 100 − 5 − 4, computed in the page as the inspector types
    page.fill("textarea[name=notes]", "整体规范，业务解答需加强")
    screenshot("quality-scoring")
    page.click("button[value=score]")
    assert "已评分" in page.inner_text(".messages")
    assert "已评分待确认" in page.inner_text("h1")
    e.refresh_from_db()
    assert (e.state, float(e.total)) == (machine.SCORED, 91.0)
    screenshot("quality-scored")


def test_critical_item_shows_zero_before_submit(qa_setup, page, login):
    s = qa_setup
    _spot(s, "CALL-0002")
    login(s["qa"][0])
    page.goto(page.base_url + f"/quality/evaluations/{Evaluation.objects.get().pk}/")
    page.check("input[name=failed_privacy]")
    assert page.inner_text("#total") == "0" and "红线失败" in page.inner_text("#verdict")
    page.click("button[value=score]")
    assert float(Evaluation.objects.get().total) == 0.0


def test_calibration_agreement(qa_setup, page, login, screenshot):
    s = qa_setup
    cal = services.create_calibration(
        s["center"],
        title="十月校准",
        call={"call_id": "CAL-77", "call_type": "投诉"},
        agent=s["agents"][0],
        inspectors=s["qa"],
    )
    first = cal.evaluations.get(inspector=s["qa"][0])
    services.transition(
        first, name="score", actor=s["qa"][0], marks=full_marks(s["card"], accuracy=12, polite=10)
    )  # 87
    login(s["qa"][1])
    page.goto(page.base_url + "/quality/calibrations/")
    page.click("text=十月校准")
    page.click("text=填写我的评分")
    page.fill("input[name=awarded_accuracy]", "16")  # 96
    page.click("button[value=score]")
    page.wait_for_url(f"**/quality/calibrations/{cal.pk}/")
    assert page.inner_text("#spread") == "9"
    assert page.inner_text("#agreement") == "83.3%"  # 10 of 12 items agree
    screenshot("quality-calibration")


def test_agent_appeals_and_team_lead_revises(qa_setup, page, login, screenshot):
    s = qa_setup
    e = services.transition(
        _spot(s, "CALL-0003"),
        name="score",
        actor=s["qa"][0],
        marks=full_marks(s["card"], polite=5),
        notes="使用了服务忌语",
    )
    login(s["agents"][0])
    page.goto(page.base_url + "/quality/")
    page.locator(f"a[href='/quality/evaluations/{e.pk}/']").first.click()
    page.fill("textarea[name=reason]", "我说的是“请您稍等”，没有使用忌语，请复听录音")
    screenshot("quality-appeal-agent")
    page.click("button[value=appeal]")
    assert "申诉中" in page.inner_text("h1")
    page.context.clear_cookies()
    login(s["lead"])
    page.goto(page.base_url + "/quality/appeals/")
    screenshot("quality-appeals-list")
    page.locator(f"a[href='/quality/evaluations/{e.pk}/']").first.click()
    page.fill("input[name=awarded_polite]", "15")
    page.fill("textarea[name=decision_note]", "复听录音，用语规范，恢复扣分")
    page.click("button[value=revise]")
    assert "申诉改分" in page.inner_text("h1")
    screenshot("quality-appeal-revised")
    appeal = Appeal.objects.get(evaluation=e)
    assert (appeal.decision, float(appeal.original_total), float(appeal.revised_total)) == ("revised", 90.0, 100.0)


def test_shift_summary_page_for_the_lead(qa_setup, page, login, screenshot):  # 004:L943
    s = qa_setup
    tz = ZoneInfo("Asia/Shanghai")
    day = timezone.localdate() - timedelta(days=1)
    for i, (agent, over) in enumerate(
        [(0, {"accuracy": 12}), (1, {"polite": 9, "restate": 5}), (0, {"abuse": {"awarded": 0, "failed": True}})]
    ):
        e = services.transition(
            _spot(s, f"SH-{i}", agent=agent), name="score", actor=s["qa"][0], marks=full_marks(s["card"], **over)
        )
        Evaluation.objects.filter(pk=e.pk).update(scored_at=datetime(day.year, day.month, day.day, 9 + i, tzinfo=tz))
    services.deliver_shift_report(s["center"], team=s["team"], shift_date=day, shift_code="D", actor=s["qa"][0])
    login(s["lead"])
    page.goto(page.base_url + f"/quality/shift/?team={s['team'].pk}&date={day}&shift=D")
    assert page.inner_text("#count") == "3"
    assert page.inner_text("#average") == "60.33"  # (92 + 89 + 0) / 3
    page.wait_for_selector("#weak-chart canvas")
    screenshot("quality-shift-summary")
    page.click("button:has-text('签收')")
    assert "已签收" in page.inner_text(".messages")


def test_scorecard_page(qa_setup, page, login, screenshot):  # 004:L1531, L1535
    login(qa_setup["lead"])
    page.goto(page.base_url + "/quality/scorecard/")
    assert "合计 100 分" in page.inner_text("main")
    screenshot("quality-scorecard")
