"""Training pages in English (issue #2): quizzes, taking one, the score sheet, results and product training.
Questions, options, answers and product names are content and stay as entered."""

import pytest

from kefu.training import services
from kefu.training.models import Product, Question
from kefu.training.tests.test_grading import SEED_ANSWERS
from kefu.training.tests.test_pages import _post_data
from kefu.web.tests.english import assert_english, english

pytestmark = pytest.mark.django_db
PRODUCT = ("宽带提速包", "下行 500M，月费 50 元")


def _content(quiz) -> tuple[str, ...]:
    out = [quiz.title, quiz.bank.title, quiz.bank.source]
    for q in Question.objects.filter(bank=quiz.bank):
        out += [q.text, q.text[:59]] + [o["text"] for o in q.options]
        answer = q.answer
        if isinstance(answer, dict):
            out += [a for accepted in answer.get("blanks", []) for a in accepted]
    for value in SEED_ANSWERS.values():
        out += value if isinstance(value, list) else [value]
    return tuple(out)


def test_quiz_pages_in_english(center, make_staff, client_for):
    quiz = services.create_quiz(center, services.load_12345_bank(center), title="五月检测")
    data = _content(quiz)
    agent = english(client_for(make_staff("agent", staff_no="7401")))
    assert_english(
        agent.get("/training/"), "Training quizzes", "practice quiz", "Not answered", "Start", user_data=data
    )
    assert_english(
        agent.get(f"/training/quizzes/{quiz.pk}/take/"),
        "Pass mark",
        "Single choice",
        "Fill in the blank",
        "Blank 1",
        "Submit answers",
        user_data=data,
    )
    r = agent.post(
        f"/training/quizzes/{quiz.pk}/take/", _post_data(dict(SEED_ANSWERS, **{"8": ["公安局"]})), follow=True
    )
    assert_english(r, "Scores", "Score %", "Pass", "Answer key", "Back to quizzes", user_data=data + ("公安局",))
    lead = english(client_for(make_staff("team_lead", staff_no="7402")))
    assert_english(
        lead.get("/training/"), "Publish a quiz or exam", "Pass mark (%)", "Exam (one attempt only)", user_data=data
    )
    assert_english(
        lead.get(f"/training/quizzes/{quiz.pk}/results/"), "Scores by agent", "Attempts", "Pass", user_data=data
    )
    r = lead.post(
        "/training/", {"bank": quiz.bank.code, "title": "六月考试", "kind": "exam", "pass_percent": "80"}, follow=True
    )
    assert_english(r, "Published exam “六月考试”", " (max. 1 attempts)", user_data=data + ("六月考试",))


def test_product_training_in_english(center, make_staff, client_for):  # 003:L19
    make_staff("agent", staff_no="7403")
    lead = english(client_for(make_staff("team_lead", staff_no="7404")))
    assert_english(lead.get("/training/products/"), "Product training", "No products yet", "New product")
    r = lead.post(
        "/training/products/",
        {"action": "create", "code": "p1", "name": PRODUCT[0], "attributes": PRODUCT[1]},
        follow=True,
    )
    assert_english(
        r,
        "Product created; please arrange the training",
        "In training",
        "0 of",
        "Not yet trained: staff no.",
        "Record as trained",
        user_data=PRODUCT,
    )
    product = Product.objects.get()
    r = lead.post("/training/products/", {"action": "train", "product": product.pk, "staff": ["7403"]}, follow=True)
    assert_english(r, f"Recorded 1 staff as trained on “{PRODUCT[0]}”", user_data=PRODUCT)
    r = lead.post("/training/products/", {"action": "on_sale", "product": product.pk}, follow=True)
    assert_english(r, f"“{PRODUCT[0]}” is now on sale", "On sale since", user_data=PRODUCT)


def test_chinese_pages_unchanged(center, make_staff, client_for):
    services.create_quiz(center, services.load_12345_bank(center), title="五月检测")
    html = client_for(make_staff("team_lead", staff_no="7405")).get("/training/").content.decode()
    assert "培训测验" in html and "练习测验" in html and "及格线（%）" in html and "Pass mark" not in html
