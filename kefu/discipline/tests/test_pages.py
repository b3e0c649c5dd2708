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
    people = {
        "agent": make_staff("agent", staff_no="2001", department=dept),
        "agent2": make_staff("agent", staff_no="2002", department=dept),
        "lead": make_staff("team_lead", staff_no="3001", department=dept),
        "lead2": make_staff("team_lead", staff_no="3002", department=dept),
        "manager": make_staff("manager", staff_no="8001", department=dept),
    }
    return people


def cards_fit(page) -> bool:
    """Every card of the page lies within the phone's width (wide tables scroll inside their card)."""
    right = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('main .card'), c => c.getBoundingClientRect().right))"
    )
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

    services.record_violation(
        scope_of(team["lead"]),
        staff_no="2001",
        type_code="attitude_complaint",
        occurred_on=last_month_day(1),
        note="买家投诉态度差",
    )
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


def test_team_lead_writes_the_groups_rules_and_a_member_reads_them(center, make_staff, page, login, screenshot):
    """004:L913: the team lead writes the group's work rules and phrase standards on the page; a member reads them
    (desktop and phone width) and the phrase checker flags the group's phrase to avoid in the member's text."""
    from kefu.discipline.models import TeamStandard
    from kefu.org.models import Team

    lead = make_staff("team_lead", staff_no="3001")
    team = Team.objects.create(center=center, code="a", name="一班", lead=lead)
    agent = make_staff("agent", staff_no="2001", team=team)
    login(lead)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(page.base_url + "/discipline/group/?team=%d" % team.pk)
    form = "form[action$='/work_rules/']"
    page.locator(f"{form} input[name=title]").nth(0).fill("交接班")
    page.locator(f"{form} textarea[name=text]").nth(0).fill("提前十五分钟到岗，交接未完成的工单。")
    page.locator(f"{form} input[name=title]").nth(1).fill("工位整洁")
    page.locator(f"{form} textarea[name=text]").nth(1).fill("下班前清理桌面，耳麦放回原位。")
    page.click(f"{form} button[type=submit]")
    assert "已保存" in page.inner_text(".messages")
    form = "form[action$='/phrases/']"
    page.locator(f"{form} select[name=situation]").nth(0).select_option("closing")
    page.locator(f"{form} input[name=title]").nth(0).fill("本组结束语")
    page.locator(f"{form} input[name=text]").nth(0).fill("你问我，我问谁？")  # a center forbidden phrase: refused
    page.locator(f"{form} input[name=phrase]").nth(0).fill("搞不定")
    page.locator(f"{form} input[name=suggestion]").nth(0).fill("我马上为您确认")
    page.click(f"{form} button[type=submit]")
    assert "不能含有忌用语" in page.inner_text(".messages")
    assert not TeamStandard.objects.filter(kind="phrases").exists()
    # nothing saved, nothing lost: the form shows what the lead typed
    assert page.locator(f"{form} input[name=phrase]").nth(0).input_value() == "搞不定"
    assert page.locator(f"{form} select[name=situation]").nth(0).input_value() == "closing"
    page.locator(f"{form} input[name=text]").nth(0).fill("感谢您的来电，祝您生活愉快！")
    page.click(f"{form} button[type=submit]")
    assert "已保存" in page.inner_text(".messages")
    screenshot("discipline-group-lead")
    page.set_viewport_size(PHONE)
    assert cards_fit(page)
    screenshot("discipline-group-lead-phone")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.context.clear_cookies()
    login(agent)
    page.goto(page.base_url + "/discipline/group/")
    main = page.inner_text("main")
    for words in ("交接班", "工位整洁", "结束语", "本组结束语", "搞不定", "我马上为您确认"):
        assert words in main
    assert page.locator("form[action$='/work_rules/']").count() == 0
    screenshot("discipline-group-member")
    page.set_viewport_size(PHONE)
    assert cards_fit(page)
    screenshot("discipline-group-member-phone")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(page.base_url + "/knowledge/check?text=" + "这个我搞不定")
    assert "我马上为您确认" in page.inner_text("body")
