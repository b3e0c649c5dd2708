"""The quality pages in English (issue #2): labels, states, the preset scorecard and messages; user data as entered."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.quality import services
from kefu.quality.models import Evaluation
from kefu.quality.tests.conftest import full_marks
from kefu.wfm.tests.english import assert_english, english_client, menu_labels

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
# What users typed (or a call snapshot) stays as entered.
USER_DATA = ("投诉", "复核一下", "一班", "十月校准", "解答不完整")


def _scored(s, call_id="P1", **override):
    e = services.assign_spot_check(
        s["center"],
        call={"call_id": call_id, "call_type": "投诉", "talk_seconds": 200},
        agent=s["agents"][0],
        inspector=s["qa"][0],
    )
    return services.transition(
        e, name="score", actor=s["qa"][0], marks=full_marks(s["card"], **override), notes="解答不完整"
    )


def test_tasks_evaluation_and_scorecard_in_english(qa_setup, client_for):
    s = qa_setup
    e = _scored(s, accuracy=14)
    todo = services.assign_spot_check(
        s["center"],
        call={"call_id": "P2", "call_type": "投诉", "talk_seconds": 90},
        agent=s["agents"][1],
        inspector=s["qa"][0],
    )
    qa = english_client(client_for(s["qa"][0]))
    html = assert_english(
        qa.get("/quality/?mine=0"),
        "Call evaluations",
        "To be scored",
        "Scored, awaiting acknowledgement",
        "view the scorecard",
        user_data=USER_DATA,
    )
    assert menu_labels(html, "quality") == ["Quality monitoring", "QA calibration", "QA by shift"]
    from django.utils import timezone

    when = timezone.localtime(todo.offered_at).strftime("%m-%d %H:%M") if todo.offered_at else ""
    page = qa.get(f"/quality/evaluations/{todo.pk}/")
    assert "P2" not in page.content.decode()  # the call by its local time, never the phone system's call id
    assert_english(
        page,
        f"Call evaluation · {when}",
        "Submit score",
        "Accurate, confident answers",
        'data-failed="Critical item failed: the call scores 0"',
        "Spot check",
        user_data=USER_DATA,
    )
    form = {f"awarded_{i.key}": i.points for i in s["card"].items.all() if not i.is_critical}
    bad = qa.post(f"/quality/evaluations/{todo.pk}/", {**form, "awarded_greeting": 12, "action": "score"})
    assert_english(
        bad,
        "The score for &quot;Greets the caller and gives staff number&quot; must be between 0 and 10",
        user_data=USER_DATA,
    )
    assert_english(
        qa.get(f"/quality/evaluations/{e.pk}/"),
        "Scored, awaiting acknowledgement",
        "Staff no. 2001",
        "History",
        user_data=USER_DATA,
    )
    # The editor's inputs hold the scorecard as stored (content to edit); everything around them is English.
    stored = tuple(w for i in s["card"].items.all() for w in (i.label, i.section)) + (s["card"].name,)
    assert_english(
        qa.get("/quality/scorecard/"),
        "Hotline call quality scorecard",
        "Opening and courtesy",
        "Greets the caller and gives staff number",
        "Publish a new version",
        "Preset",
        user_data=stored,
    )


def test_agent_appeal_and_lead_decision_in_english(qa_setup, client_for):
    s = qa_setup
    e = _scored(s)
    agent = english_client(client_for(s["agents"][0]))
    assert_english(agent.get("/quality/"), "My QA scores", user_data=USER_DATA)
    r = agent.post(f"/quality/evaluations/{e.pk}/", {"action": "appeal", "reason": "复核一下"}, follow=True)
    assert_english(r, "Done: Appeal", "Under appeal", "Awaiting team lead", user_data=USER_DATA)
    lead = english_client(client_for(s["lead"]))
    assert_english(
        lead.get("/quality/appeals/"), "QA appeals", "To be decided", "Reason for appeal", user_data=USER_DATA
    )


def test_shift_and_calibration_pages_in_english(qa_setup, client_for):
    s = qa_setup
    e = _scored(s, polite=9)
    Evaluation.objects.filter(pk=e.pk).update(scored_at=datetime(2026, 10, 8, 10, tzinfo=TZ))
    qa = english_client(client_for(s["qa"][0]))
    url = f"/quality/shift/?team={s['team'].pk}&date=2026-10-08&shift=D"
    html = assert_english(
        qa.get(url),
        "QA summary by shift",
        "Day shift",
        "Items losing the most points",
        "Calls monitored",
        user_data=USER_DATA,
    )
    assert '"label": "Polite wording, no forbidden phrases"' in html  # the chart's axis
    r = qa.post(url, follow=True)
    assert_english(r, "handed to the team lead", user_data=USER_DATA)
    r = qa.post(
        "/quality/calibrations/",
        {"title": "十月校准", "call_id": "CAL9", "agent_staff_no": "2001", "inspectors": ["8001"]},
    )
    assert_english(
        r, "A calibration needs at least two evaluators", user_data=USER_DATA
    )  # a service's rule, in English
    r = qa.post(
        "/quality/calibrations/",
        {"title": "十月校准", "call_id": "CAL9", "agent_staff_no": "2001", "inspectors": ["8001", "8002"]},
        follow=True,
    )
    assert_english(
        r,
        "Calibration started",
        "Fill in my scorecard",
        "Still to score: staff no. 8001, 8002",
        "Item agreement",
        user_data=USER_DATA,
    )
    assert_english(
        qa.get("/quality/calibrations/"), "Start a calibration", "Waiting for 8001, 8002", user_data=USER_DATA
    )


def test_chinese_stays_the_default(qa_setup, client_for):
    s = qa_setup
    _scored(s)
    html = client_for(s["qa"][0]).get("/quality/?mine=0").content.decode()
    assert "监听评分" in html and "已评分待确认" in html and "Call evaluations" not in html
