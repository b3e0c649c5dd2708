"""The discipline pages in Chromium: a lead records, the agent appeals, the lead upholds; the manager computes the
month and approves; the fund ledger; at desktop and phone width."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.discipline.models import Appraisal, FundEntry, Violation

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def team(center, make_staff):
    from kefu.org.models import Department, Policy

    Policy.objects.update_or_create(center=center, defaults={"preset": "ecommerce", "overrides": {}})
    dept = Department.objects.create(center=center, code="cs", name="客服部", kind=Department.Kind.FRONT_LINE)
    people = {"agent": make_staff("agent", staff_no="2001", department=dept),
              "agent2": make_staff("agent", staff_no="2002", department=dept),
              "lead": make_staff("team_lead", staff_no="3001", department=dept),
              "lead2": make_staff("team_lead", staff_no="3002", department=dept),
              "manager": make_staff("manager", staff_no="8001", department=dept)}
    return people


def cards_fit(page) -> bool:
    """Every card of the page lies within the phone's width (wide tables scroll inside their card)."""
    right = page.evaluate("Math.max(...Array.from(document.querySelectorAll('main .card'), c => c.getBoundingClientRect().right))")
    return right <= PHONE["width"]


def last_month_day(n: int):
    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    return first + timedelta(days=n)


def test_record_appeal_uphold_and_the_month(team, page, login, screenshot):
    login(team["lead"])
    page.goto(page.base_url + f"/discipline/team/?month={last_month_day(0):%Y-%m}")
    for day in (2, 9):
        page.fill("form[action$='/team/record/'] input[name=staff_no]", "2001")
        page.select_option("select[name=type_code]", "non_work")
        page.fill("input[name=occurred_on]", last_month_day(day).isoformat())
        page.fill("form[action$='/team/record/'] input[name=note]", "查岗：看视频")
        page.click("form[action$='/team/record/'] button[type=submit]")
        assert "记录违规" in page.inner_text(".messages")
    page.fill("form[action$='/team/record/'] input[name=staff_no]", "2001")
    page.select_option("select[name=type_code]", "non_work")
    page.fill("input[name=occurred_on]", last_month_day(3).isoformat())
    page.fill("form[action$='/team/record/'] input[name=note]", " ")
    page.click("form[action$='/team/record/'] button[type=submit]")
    assert "必须写明证据" in page.inner_text(".messages")  # bad input: a clear message, nothing recorded
    assert Violation.objects.count() == 2
    assert "罚款 30 元" in page.inner_text("main")
    screenshot("discipline-team")
    page.context.clear_cookies()

    login(team["agent"])
    page.goto(page.base_url + f"/discipline/?month={last_month_day(0):%Y-%m}")
    assert "罚款 10 元" in page.inner_text("main")
    row = page.locator("tr", has_text="罚款 10 元")
    row.locator("input[name=reason]").fill("在查订单资料，不是看视频")
    row.locator("button", has_text="申诉").click()
    assert "申诉中" in page.inner_text("main")
    screenshot("discipline-mine")
    page.set_viewport_size(PHONE)
    page.reload()
    screenshot("discipline-mine-phone")
    assert cards_fit(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.context.clear_cookies()

    login(team["lead2"])
    page.goto(page.base_url + f"/discipline/team/?month={last_month_day(0):%Y-%m}")
    row = page.locator("tr", has_text="在查订单资料")
    row.locator("button", has_text="支持申诉").click()
    assert "已处理" in page.inner_text(".messages")
    second = Violation.objects.get(occurred_on=last_month_day(9))
    assert second.sanction == {"fine": "10"}  # the 2nd stepped down to the 1st (000:L198)
    page.context.clear_cookies()

    login(team["manager"])
    page.goto(page.base_url + "/discipline/decide/")
    page.click("text=计算考核")
    assert Appraisal.objects.count() == 4  # two agents and two leads
    assert "草稿" in page.inner_text("main")
    screenshot("discipline-decide")
    page.click("text=审批定稿")
    assert "已定稿" in page.inner_text("main")
    page.set_viewport_size(PHONE)
    page.reload()
    screenshot("discipline-decide-phone")
    assert cards_fit(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(page.base_url + f"/discipline/fund/?month={last_month_day(0):%Y-%m}")
    assert "10.00" in page.inner_text("main")
    page.click("text=向本部门公布")
    screenshot("discipline-fund")
    assert FundEntry.objects.filter(kind="reversal").count() == 2  # the voided 10 and the moved 30


def test_spending_beyond_the_balance_is_refused_on_the_page(team, page, login):
    from kefu.discipline import services
    from kefu.scope import scope_of

    services.record_violation(scope_of(team["lead"]), staff_no="2001", type_code="attitude_complaint",
                              occurred_on=last_month_day(1), note="买家投诉态度差")
    login(team["lead"])
    page.goto(page.base_url + f"/discipline/fund/?month={last_month_day(0):%Y-%m}")
    page.fill("input[name=amount]", "25")
    page.fill("input[name=purpose]", "水果")
    page.click("text=提交审批")
    page.context.clear_cookies()
    login(team["manager"])
    page.goto(page.base_url + "/discipline/decide/")
    page.locator("tr", has_text="水果").locator("button", has_text="批准").click()
    assert "超过部门活动经费余额 20" in page.inner_text(".messages")
    assert FundEntry.objects.get(kind="spending").state == "submitted"
