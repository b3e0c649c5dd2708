"""English in a real Chromium (issue #2): the planner picks English in the selector and works through the
forecast, staffing and roster pages; legends, long headers and the roster grid keep their layout."""

from datetime import date

import pytest

from kefu.roster import services as roster_services
from kefu.wfm import services
from kefu.wfm.tests.english import CJK
from kefu.wfm.tests.test_pages import _history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _main_text(page) -> str:
    return page.inner_text("main")


def test_planner_switches_to_english(center, make_staff, login, page, screenshot):
    _history(center)
    services.build_forecast(center, start=date(2026, 6, 29), days=7)
    for i in range(6):
        make_staff("agent", staff_no=str(3101 + i), name=f"Agent {3101 + i}")  # names are data, not page text
    planner = make_staff("team_lead", "supervisor", staff_no="3990")
    row = [0] * 16 + [2] * 20 + [1] * 12
    roster = roster_services.generate(
        center, start=date(2030, 3, 4), days=7, actor=planner, requirement=[row] * 7, holidays=[6], time_limit=3
    )
    login(planner)
    page.goto(page.base_url + "/wfm/forecast/?start=2026-06-29")
    assert "话务预测" in _main_text(page)
    page.select_option("select[name=language]", "en")  # the selector submits itself and comes back to this page
    page.wait_for_selector("h1 >> text=Call forecast")
    page.wait_for_selector("#forecast-chart canvas")
    text = _main_text(page)
    assert "Event adjustments" in text and "Daily totals" in text and not CJK.search(text)
    screenshot("en-wfm-forecast")

    page.goto(page.base_url + "/wfm/staffing/?day=2026-06-29&model=A")
    page.wait_for_selector("#staffing-chart canvas")
    text = _main_text(page)
    assert "Binding constraint" in text and "Abandonment rate" in text and not CJK.search(text)
    # The longer English headers wrap inside the table instead of pushing it past the page.
    assert page.evaluate("document.querySelector('main table').getBoundingClientRect().right") <= 1400
    screenshot("en-wfm-staffing")

    page.goto(page.base_url + f"/roster/{roster.id}/")
    page.locator(
        "#cover-chart canvas"
    ).first.wait_for()  # the chart is drawn (the CSP forbids wait_for_function's eval)
    text = _main_text(page)
    assert "Solver result" in text and "Hard rules" in text and "All met" in text and not CJK.search(text)
    screenshot("en-roster-detail")


def test_qa_scoring_page_in_english(center, make_staff, login, page, screenshot):
    from kefu.quality import services as quality_services

    agent = make_staff("agent", staff_no="2001")
    qa = make_staff("qa", staff_no="8001")
    e = quality_services.assign_spot_check(
        center, call={"call_id": "P1", "call_type": "投诉", "talk_seconds": 200}, agent=agent, inspector=qa
    )
    login(qa)
    page.goto(page.base_url + f"/quality/evaluations/{e.pk}/")
    page.select_option("select[name=language]", "en")
    page.wait_for_selector("h1 >> text=Call evaluation")
    page.check("input[name=failed_privacy]")  # the live verdict (scoring.js) takes its wording from the page
    page.wait_for_selector("#verdict >> text=Critical item failed: the call scores 0")
    text = _main_text(page).replace("投诉", "")  # the call type is the call's data
    assert "Greets the caller and gives staff number" in text and "Submit score" in text and not CJK.search(text)
    assert page.evaluate("document.querySelector('table.scorecard').getBoundingClientRect().right") <= 1400
    screenshot("en-quality-evaluation")
