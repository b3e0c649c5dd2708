"""Taking the 12345 quiz in a real Chromium; screenshots in artifacts/screenshots/training-*.png."""

from pathlib import Path

import pytest

from kefu.training import services
from kefu.training.models import Attempt

pytestmark = pytest.mark.browser


def test_agent_takes_the_12345_quiz(center, make_staff, page, login, screenshot):  # 004:L13–69
    quiz = services.create_quiz(center, services.load_12345_bank(center), title="12345话务人员五月份学习检测")
    agent = make_staff("agent", staff_no="2001")
    login(agent)
    page.goto(page.base_url + "/training/")
    page.click("text=开始作答")
    page.check("#q-1 input[value=C]")
    page.check("#q-5 input[value=T]")
    page.fill("input[name=q_4_0]", "房管")
    page.fill("input[name=q_4_1]", "住建局")
    for i, v in enumerate(["８", "2", "1"]):  # a full-width 8 still counts
        page.fill(f"input[name=q_6_{i}]", v)
    page.fill("input[name=q_8_0]", "环保局")
    for i, v in enumerate(["移动", "联通", "电信", "住建局"]):  # any order (004:L67)
        page.fill(f"input[name=q_24_{i}]", v)
    page.fill("input[name=q_27_0]", "公安局")  # wrong: 交运局 (004:L69)
    screenshot("training-quiz")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(
        path=str(Path(screenshot("training-quiz")).with_name("training-quiz-top.png"))
    )  # the first screen, legible
    page.click("text=交卷")
    page.wait_for_url("**/training/attempts/*/")
    assert page.inner_text("#score") == "24 / 96"  # Q1, Q4, Q5, Q6, Q8, Q24 right: 6 × 4
    assert page.inner_text("#percent") == "25.0%"
    assert "不及格" in page.inner_text("main")
    screenshot("training-result")
    attempt = Attempt.objects.get(quiz=quiz, staff=agent)
    assert float(attempt.score) == 24.0


def test_products_page(center, make_staff, page, login, screenshot):  # 003:L19
    make_staff("agent", staff_no="2001")
    make_staff("agent", staff_no="2002")
    lead = make_staff("team_lead", staff_no="9001")
    product = services.create_product(center, code="speedup", name="宽带提速包", attributes="月增费30元")
    services.record_training(product, list(services.required_staff(center))[:1], trainer=lead)
    login(lead)
    page.goto(page.base_url + "/training/products/")
    page.click("button:has-text('上架')")
    assert "尚未完成产品培训" in page.inner_text(".errorlist") and "2002" in page.inner_text(".errorlist")
    screenshot("training-products")
