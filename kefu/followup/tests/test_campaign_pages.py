"""Chromium: the supervisor creates an outbound campaign, uploads a call list (a bad one first: the row and column are
named and nothing is added), sees the progress; the agent works the list one customer at a time (the questionnaire,
an outcome) without ever seeing the retention offer; an authorised senior agent sees it. Desktop and phone width."""

from __future__ import annotations

import shutil

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
OFFER = "续约立减三十元话费"


def _shots(page, screenshot, name):
    shutil.copy(screenshot(name), f"/tmp/{name}.png")
    page.set_viewport_size(PHONE)
    shutil.copy(screenshot(f"{name}-phone"), f"/tmp/{name}-phone.png")
    page.set_viewport_size(DESKTOP)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_campaign_from_upload_to_questionnaire_004_L1003(center, make_staff, page, login, screenshot, tmp_path):
    from kefu.followup.models import CampaignTarget

    page.set_default_timeout(60000)  # a shared, loaded machine: patience, not timing (no timed assertion here)
    lead = make_staff("supervisor", staff_no="5101")
    agent = make_staff("agent", staff_no="2101")
    senior = make_staff("senior_agent", staff_no="3101")

    login(lead)
    page.goto(page.base_url + "/followup/campaigns/")
    page.fill("#campaign-form input[name=name]", "宽带到期续约回访")
    page.fill("#campaign-form input[name=purpose]", "本月到期的宽带客户，了解续约意向")
    page.fill(
        "#campaign-form textarea[name=questionnaire]",
        "您对宽带服务满意吗 | 满意 / 基本满意 / 不满意\n是否愿意续约 | 愿意 / 考虑一下 / 不愿意\n其他建议",
    )
    page.fill("#campaign-form textarea[name=offer_text]", OFFER)
    page.check("#campaign-form input[value=senior_agent]")
    page.click("#campaign-form button[type=submit]")
    assert "已创建外呼活动" in page.inner_text(".messages")

    bad = tmp_path / "名单.csv"
    bad.write_text("姓名,电话\n张三,13800138000\n李四,1380013\n", encoding="utf-8-sig")
    page.set_input_files("#upload-form input[name=file]", str(bad))
    page.click("#upload-form button[type=submit]")
    assert "名单文件第 3 行“电话”列：“1380013”不是有效的电话号码" in page.inner_text(".messages")
    assert CampaignTarget.objects.count() == 0
    good = tmp_path / "名单2.csv"
    good.write_text(
        "姓名,电话,备注\n张三,13800138000,套餐到期\n李四,13800138001,\n王五,13800138002,\n", encoding="utf-8-sig"
    )
    page.set_input_files("#upload-form input[name=file]", str(good))
    page.click("#upload-form button[type=submit]")
    assert "已加入 3 位客户" in page.inner_text(".messages")
    assert "138****8000" in page.inner_text("#targets") and "13800138000" not in page.content()
    campaign_url = page.url
    _shots(page, screenshot, "campaign-lead")

    # the agent: one customer at a time, the questionnaire, never the offer
    page.context.clear_cookies()
    login(agent)
    page.goto(campaign_url)
    assert OFFER not in page.content()
    page.click("#next-form button[type=submit]")
    assert "/followup/calls/" in page.url and OFFER not in page.content()
    page.check("#complete-form input[name=a_q1][value=基本满意]")
    page.click("#complete-form button[type=submit]")  # two questions unanswered: refused, answer kept
    assert "问卷第 2 题“是否愿意续约”：必须回答" in page.inner_text(".messages")
    assert page.is_checked("#complete-form input[name=a_q1][value=基本满意]")
    _shots(page, screenshot, "campaign-call")
    page.check("#complete-form input[name=a_q2][value=愿意]")
    page.fill("#complete-form input[name=a_q3]", "希望提速")
    page.click("#complete-form button[type=submit]")
    assert "已完成" in page.inner_text("#call-state")
    page.click("#next-form button[type=submit]")
    page.select_option("#attempt-form select[name=outcome]", "no_answer")
    page.click("#attempt-form button[type=submit]")
    assert "无人接听" in page.inner_text("#attempts")

    # an authorised senior agent sees the offer on the customer page
    page.context.clear_cookies()
    login(senior)
    page.goto(campaign_url)
    page.click("#next-form button[type=submit]")
    assert OFFER in page.inner_text("#offer")
    _shots(page, screenshot, "campaign-call-offer")

    page.context.clear_cookies()
    login(lead)
    page.goto(campaign_url)
    assert page.inner_text("#progress-called") == "2" and page.inner_text("#progress-completed") == "1"
    page.click("text=外呼报表")
    assert page.locator("#report tbody tr").count() >= 1
    _shots(page, screenshot, "campaign-report")
