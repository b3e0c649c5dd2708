"""Pages in a real Chromium: search while on a call, the phrase checker while typing, inserting a
standard phrase into a reply, and the editor → team lead approval (004:L959)."""

import pytest

from kefu.knowledge import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _publish(editor, lead, title, body, tags=()):
    v = services.create_article(editor, title=title, body=body, tags=list(tags), confirmed_by="下发部门")
    services.submit_version(editor, v)
    services.approve_version(lead, v)
    return v


def test_agent_searches_during_a_call(make_staff, login, screenshot):
    editor, lead, agent = make_staff("editor"), make_staff("team_lead"), make_staff("agent")
    _publish(editor, lead, "城市流浪狗的管理部门", "城市流浪狗的管理属于公安局管。", ["流浪狗"])
    _publish(
        editor, lead, "小区老鼠蟑螂蚊虫的交办", "市民反映居住的小区老鼠、蟑螂、蚊虫很多，属于卫生局管。", ["卫生局"]
    )
    services.save_synonym("耗子", ["老鼠"])
    page = login(agent)
    page.goto(page.base_url + "/knowledge/search/")
    page.fill("#kb-q", "我们小区耗子特别多找哪个部门")
    page.wait_for_selector("#kb-results .kb-result h3 a")
    assert page.inner_text("#kb-results .kb-result h3 a >> nth=0") == "小区老鼠蟑螂蚊虫的交办"
    assert "未读知识更新" in page.inner_text("body")
    screenshot("knowledge-search")


def test_checker_highlights_while_typing(make_staff, login, screenshot):
    page = login(make_staff("agent"))
    page.goto(page.base_url + "/knowledge/checker/")
    page.fill("#check-text", "很抱歉让你久等。这不关我的事，你自己先查清楚。我不管多晚都会回电。")
    page.wait_for_selector("#check-result mark.hit")
    marks = page.locator("#check-result mark").all_inner_texts()
    assert marks == ["抱歉让你久等", "不关我的事", "你自己先查清楚"]
    assert "非常感谢您的耐心等待" in page.inner_text("#check-result")
    screenshot("knowledge-checker")


def test_insert_standard_phrase_into_reply(make_staff, login, screenshot):
    page = login(make_staff("agent", staff_no="1024"))
    page.goto(page.base_url + "/knowledge/phrases/?situation=apology")
    item = page.locator(".phrase-item", has_text="错在公司，保证补救")
    item.locator("input[name=v_surname]").fill("王")
    item.locator("select[name=v_title]").select_option("女士")
    item.locator("button[type=submit]").click()
    item.locator("button[data-insert]").wait_for()
    item.locator("button[data-insert]").click()
    assert page.input_value("#reply").startswith("王女士，发生这件事，我觉得十分抱歉")
    page.wait_for_selector("#reply-check .badge.ok")
    screenshot("knowledge-phrases")


def test_editor_drafts_and_team_lead_approves(make_staff, login, screenshot, browser, live_server):
    editor, lead, agent = make_staff("editor"), make_staff("team_lead"), make_staff("agent")
    page = login(editor)
    page.goto(page.base_url + "/knowledge/editor/new")
    page.fill("input[name=title]", "停车费纠纷的交办")
    page.fill("textarea[name=body]", "停车费纠纷属于发改委管。")
    page.fill("input[name=confirmed_by]", "发改委 李科长")
    page.fill("input[name=tags]", "停车费,发改委")
    page.click("button[name=submit]")
    page.wait_for_selector(".messages")
    assert "已提交班长审核" in page.inner_text(".messages")
    screenshot("knowledge-editor")
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    lp = context.new_page()
    lp.goto(live_server.url + "/login/")
    lp.fill("input[name=username]", lead.user.username)
    lp.fill("input[name=password]", "test-pass-123")
    lp.click("button[type=submit]")
    lp.wait_for_url(lambda url: "/login/" not in url)
    lp.goto(live_server.url + "/knowledge/review/")
    assert "停车费纠纷的交办" in lp.inner_text("body")
    from conftest import SCREENSHOTS

    lp.screenshot(path=str(SCREENSHOTS / "knowledge-review.png"), full_page=True)
    lp.fill("input[name=note]", "同意")
    lp.click("button[value=approve]")
    lp.wait_for_selector(".messages")
    assert "已批准发布" in lp.inner_text(".messages")
    context.close()
    from kefu.knowledge.models import Article, Notification

    assert Article.objects.get().status == "published"
    assert Notification.objects.filter(recipient=agent).count() == 1
