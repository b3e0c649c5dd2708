"""Quality pages and API through the Django test client (the browser tests drive the same pages in Chromium)."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.quality import machine, services
from kefu.quality.models import Evaluation, Scorecard
from kefu.quality.tests.conftest import full_marks

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _spot(s, call_id="P1"):
    return services.assign_spot_check(
        s["center"],
        call={"call_id": call_id, "call_type": "投诉", "talk_seconds": 200},
        agent=s["agents"][0],
        inspector=s["qa"][0],
    )


def _form(card, **over):
    data = {f"awarded_{i.key}": i.points for i in card.items.all() if not i.is_critical}
    data.update(over)
    return data


def test_scoring_page_scores_and_shows_errors_in_chinese(qa_setup, client_for):
    s = qa_setup
    e = _spot(s)
    client = client_for(s["qa"][0])
    page = client.get(f"/quality/evaluations/{e.pk}/")
    assert page.status_code == 200 and "提交评分" in page.content.decode()
    bad = client.post(f"/quality/evaluations/{e.pk}/", {**_form(s["card"], awarded_greeting=12), "action": "score"})
    assert bad.status_code == 200 and "得分应在 0 到 10 分之间" in bad.content.decode()
    assert Evaluation.objects.get(pk=e.pk).state == machine.ASSIGNED
    ok = client.post(
        f"/quality/evaluations/{e.pk}/",
        {**_form(s["card"], awarded_accuracy=14), "failed_privacy": "", "action": "score", "notes": "解答不完整"},
    )
    assert ok.status_code == 302
    e.refresh_from_db()
    assert (e.state, float(e.total)) == (machine.SCORED, 94.0)


def test_other_inspector_cannot_post_a_score(qa_setup, client_for):
    s = qa_setup
    e = _spot(s)
    response = client_for(s["qa"][1]).post(f"/quality/evaluations/{e.pk}/", {**_form(s["card"]), "action": "score"})
    assert response.status_code == 200 and "评分：只有本评分的质检员可以执行此操作" in response.content.decode()
    assert Evaluation.objects.get(pk=e.pk).state == machine.ASSIGNED


def test_agent_sees_only_own_scores_and_can_appeal(qa_setup, client_for):
    CALL = "P-1"  # not alphanumeric, so never part of a CSRF token on the page
    s = qa_setup
    e = services.transition(_spot(s, call_id=CALL), name="score", actor=s["qa"][0], marks=full_marks(s["card"]))
    other = client_for(s["agents"][1])
    assert other.get(f"/quality/evaluations/{e.pk}/").status_code == 404
    link = f'href="/quality/evaluations/{e.pk}/"'  # calls are listed by their time, not the phone system's id
    assert link not in other.get("/quality/").content.decode()
    mine = client_for(s["agents"][0])
    assert link in mine.get("/quality/").content.decode()
    assert mine.post(f"/quality/evaluations/{e.pk}/", {"action": "appeal", "reason": "复核"}).status_code == 302
    assert Evaluation.objects.get(pk=e.pk).state == machine.APPEALED
    lead = client_for(s["lead"])
    assert link in lead.get("/quality/appeals/").content.decode()
    assert mine.get("/quality/appeals/").status_code == 403


def test_scorecard_page_visible_to_agents(qa_setup, client_for):  # 004:L1535: 业务员应该完整地了解评分方法
    body = client_for(qa_setup["agents"][0]).get("/quality/scorecard/").content.decode()
    assert "主动问候并报工号" in body and "合计 100 分" in body


def test_sample_page_creates_tasks(qa_setup, client_for, monkeypatch):
    from kefu.quality import links

    s = qa_setup
    calls = [
        {
            "ref": i,
            "call_id": f"K{i}",
            "agent_staff_no": s["agents"][i % 2].staff_no,
            "call_type": "咨询",
            "talk_seconds": 100,
            "offered_at": datetime(2026, 9, 1 + i, 9, tzinfo=TZ),
        }
        for i in range(14)
    ]
    monkeypatch.setattr(links, "month_calls", lambda center, start, end: calls)
    response = client_for(s["qa"][0]).post("/quality/sample/", {"month": "2026-09", "seed": "s9"}, follow=True)
    assert "已生成 2026年09月 监听任务 10 条（每人 5 条）" in response.content.decode()


def test_sample_without_call_data_explains(qa_setup, client_for, monkeypatch):
    from kefu.quality import links

    monkeypatch.setattr(links, "month_calls", lambda center, start, end: None)
    response = client_for(qa_setup["qa"][0]).post("/quality/sample/", {"month": "2026-09", "seed": "s"}, follow=True)
    assert "话务模块尚未提供通话记录" in response.content.decode()


def test_shift_page_and_delivery(qa_setup, client_for):  # 004:L943
    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=9))
    Evaluation.objects.filter(pk=e.pk).update(scored_at=datetime(2026, 10, 8, 10, tzinfo=TZ))
    qa = client_for(s["qa"][0])
    url = f"/quality/shift/?team={s['team'].pk}&date=2026-10-08&shift=D"
    assert 'id="average">94.0<' in qa.get(url).content.decode()
    assert qa.post(url).status_code == 302
    lead_page = client_for(s["lead"]).get("/quality/shift/").content.decode()
    assert "交给我的班次汇总" in lead_page and "签收" in lead_page


def test_calibration_pages(qa_setup, client_for):
    s = qa_setup
    client = client_for(s["qa"][0])
    response = client.post(
        "/quality/calibrations/",
        {"title": "十月校准", "call_id": "CAL9", "agent_staff_no": "2001", "inspectors": ["8001"]},
    )
    assert "校准至少需要两名评分人" in response.content.decode()
    response = client.post(
        "/quality/calibrations/",
        {"title": "十月校准", "call_id": "CAL9", "agent_staff_no": "2001", "inspectors": ["8001", "8002"]},
    )
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "填写我的评分" in body and "待评分：工号 8001、8002" in body
    assert client_for(s["agents"][0]).get(response["Location"]).status_code == 403


def test_api_score_and_errors(qa_setup, client_for):
    s = qa_setup
    e = _spot(s)
    client = client_for(s["qa"][0])
    bad = client.post(
        f"/api/quality/evaluations/{e.pk}/score",
        json.dumps({"marks": full_marks(s["card"], voice=99)}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["detail"][0] == {
        "field": "marks.voice",
        "rule": "mark",
        "message": "评分项「普通话清晰，语速适中（约每分钟120字），语调柔和」得分应在 0 到 10 分之间",
    }
    ok = client.post(
        f"/api/quality/evaluations/{e.pk}/score",
        json.dumps({"marks": full_marks(s["card"])}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["total"] == 100.0 and ok.json()["scorecard_version"] == 1
    denied = client_for(s["agents"][1]).post(f"/api/quality/evaluations/{e.pk}/acknowledge")
    assert denied.status_code == 403
    ack = client_for(s["agents"][0]).post(f"/api/quality/evaluations/{e.pk}/acknowledge")
    assert ack.json()["state"] == "acknowledged"


def test_api_publish_scorecard_validates_100(qa_setup, client_for):
    client = client_for(qa_setup["lead"])
    body = {
        "code": "hotline-call",
        "name": "新版",
        "items": [{"key": "a", "label": "甲", "points": 60}, {"key": "b", "label": "乙", "points": 30}],
    }
    response = client.post("/api/quality/scorecards", json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"][0]["field"] == "items"
    assert Scorecard.objects.count() == 1
    body["items"][1]["points"] = 40
    response = client.post("/api/quality/scorecards", json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and response.json()["version"] == 2


def test_api_monitoring_scores(qa_setup, client_for):
    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"], accuracy=0))
    Evaluation.objects.filter(pk=e.pk).update(scored_at=datetime(2026, 10, 8, 10, tzinfo=TZ))
    response = client_for(s["lead"]).get(
        "/api/quality/monitoring-scores", {"start": "2026-10-01T00:00:00+08:00", "end": "2026-11-01T00:00:00+08:00"}
    )
    assert response.json() == [{"agent_staff_no": "2001", "scored_at": "2026-10-08T02:00:00Z", "score": 80.0}]


def test_scorecard_editor_publishes_a_version_and_refuses_a_bad_total(qa_setup, client_for):  # 004:L1531
    s = qa_setup
    client = client_for(s["lead"])
    page = client.get("/quality/scorecard/").content.decode()
    assert "发布新版本" in page
    rows = {
        "rows": "3",
        "name": "简化评分表",
        "key_0": "service",
        "label_0": "服务",
        "points_0": "60",
        "section_0": "服务",
        "key_1": "skill",
        "label_1": "业务",
        "points_1": "30",
        "key_2": "",
        "label_2": "",
        "points_2": "",
    }
    bad = client.post("/quality/scorecard/", rows).content.decode()
    assert "各评分项分值合计应为 100 分（百分制），当前合计 90 分" in bad
    assert Scorecard.objects.count() == 1
    rows.update({"key_2": "leak", "label_2": "泄露客户资料", "points_2": "0", "critical_2": "on", "points_1": "40"})
    assert client.post("/quality/scorecard/", rows).status_code == 302
    card = Scorecard.objects.get(is_active=True)
    assert (card.version, card.name, [(i.key, i.points, i.is_critical) for i in card.items.all()]) == (
        2,
        "简化评分表",
        [("service", 60, False), ("skill", 40, False), ("leak", 0, True)],
    )
    assert "发布新版本" not in client_for(s["agents"][0]).get("/quality/scorecard/").content.decode()
    assert client_for(s["agents"][0]).post("/quality/scorecard/", rows).status_code == 403


def test_agent_does_not_see_calls_still_to_be_monitored(qa_setup, client_for):
    s = qa_setup
    e = _spot(s, call_id="HIDDEN1")
    agent = client_for(s["agents"][0])
    link = f'href="/quality/evaluations/{e.pk}/"'
    assert link not in agent.get("/quality/").content.decode()
    assert agent.get(f"/quality/evaluations/{e.pk}/").status_code == 404
    services.transition(e, name="score", actor=s["qa"][0], marks=full_marks(s["card"]))
    assert link in agent.get("/quality/").content.decode()


def test_inspector_sees_to_do_first(qa_setup, client_for):
    s = qa_setup
    done = services.transition(_spot(s, call_id="DONE1"), name="score", actor=s["qa"][0], marks=full_marks(s["card"]))
    todo = _spot(s, call_id="TODO1")
    body = client_for(s["qa"][0]).get("/quality/").content.decode()
    assert body.index(f"/quality/evaluations/{todo.pk}/") < body.index(f"/quality/evaluations/{done.pk}/")
    assert done.state == machine.SCORED


def test_a_report_delivered_before_the_shift_calendar_opens_under_its_old_shift_name(qa_setup, client_for):
    """A shift report stored with the former code `night` (夜班, 004:L785) opens from the lead's link as it was
    delivered instead of an "unknown shift" error; a code that never was a shift is still refused by name."""
    from kefu.quality.models import ShiftReport

    s = qa_setup
    e = services.transition(_spot(s), name="score", actor=s["qa"][0], marks=full_marks(s["card"], polite=9))
    Evaluation.objects.filter(pk=e.pk).update(scored_at=datetime(2026, 10, 8, 10, tzinfo=TZ))
    qa = client_for(s["qa"][0])
    assert qa.post(f"/quality/shift/?team={s['team'].pk}&date=2026-10-08&shift=D").status_code == 302
    report = ShiftReport.objects.get(team=s["team"], shift_date=date(2026, 10, 8))
    old = {**report.summary, "shift_code": "night", "shift_name": "夜班"}
    ShiftReport.objects.filter(pk=report.pk).update(shift_code="night", summary=old)
    lead = client_for(s["lead"])
    opened = lead.post(f"/quality/shift/reports/{report.pk}/read/", follow=True)
    html = opened.content.decode()
    assert opened.status_code == 200 and "未知的班次" not in html
    assert 'value="night" selected>夜班' in html and 'id="average">94.0<' in html
    html = qa.get(f"/quality/shift/?team={s['team'].pk}&date=2026-10-08&shift=xyz").content.decode()
    assert "未知的班次" in html
