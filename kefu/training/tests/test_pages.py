"""Training pages and API through the Django test client."""

import json

import pytest

from kefu.training import services
from kefu.training.models import Attempt, Product
from kefu.training.tests.test_grading import SEED_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(center):
    return services.create_quiz(center, services.load_12345_bank(center), title="五月检测")


def _post_data(answers):
    data = {}
    for number, value in answers.items():
        if isinstance(value, list):
            for i, v in enumerate(value):
                data[f"q_{number}_{i}"] = v
        else:
            data[f"q_{number}"] = value
    return data


def test_take_quiz_page_and_result(quiz, make_staff, client_for):  # 004:L13–69
    client = client_for(make_staff("agent", staff_no="2001"))
    page = client.get(f"/training/quizzes/{quiz.pk}/take/").content.decode()
    assert "哪一项只限遂宁市城区的老人" in page and 'name="q_24_3"' in page
    response = client.post(f"/training/quizzes/{quiz.pk}/take/", _post_data(dict(SEED_ANSWERS, **{"8": ["公安局"]})))
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert 'id="percent">95.8%<' in result  # 92 / 96
    assert "环保局" in result  # the reference answer of Q8 is shown


def test_take_quiz_error_keeps_answers(quiz, make_staff, client_for):
    client = client_for(make_staff("agent", staff_no="2001"))
    body = client.post(f"/training/quizzes/{quiz.pk}/take/", {"q_1": "Z", "q_4_0": "房管"}).content.decode()
    assert "第1题的答案应为选项 A/B/C 之一" in body and 'value="房管"' in body
    assert Attempt.objects.count() == 0


def test_results_page_for_team_lead_only(quiz, make_staff, client_for):
    agent = make_staff("agent", staff_no="2001")
    services.submit_attempt(quiz, staff=agent, responses=SEED_ANSWERS)
    assert client_for(agent).get(f"/training/quizzes/{quiz.pk}/results/").status_code == 403
    body = client_for(make_staff("team_lead")).get(f"/training/quizzes/{quiz.pk}/results/").content.decode()
    assert "2001" in body and "100.0%" in body


def test_products_page_refuses_on_sale_naming_untrained(center, make_staff, client_for):  # 003:L19
    make_staff("agent", staff_no="2001")
    lead = make_staff("team_lead", staff_no="9001")
    product = services.create_product(center, code="p1", name="宽带提速包")
    client = client_for(lead)
    body = client.post("/training/products/", {"action": "on_sale", "product": product.pk}).content.decode()
    assert "以下话务员尚未完成产品培训，不能上架：2001" in body
    assert (
        client.post("/training/products/", {"action": "train", "product": product.pk, "staff": ["2001"]}).status_code
        == 302
    )
    assert client.post("/training/products/", {"action": "on_sale", "product": product.pk}).status_code == 302
    assert Product.objects.get(pk=product.pk).status == Product.Status.ON_SALE


def test_agent_cannot_put_on_sale(center, make_staff, client_for):
    product = services.create_product(center, code="p1", name="宽带提速包")
    response = client_for(make_staff("agent")).post("/training/products/", {"action": "on_sale", "product": product.pk})
    assert response.status_code == 403


def test_api_attempt_and_results(quiz, make_staff, client_for):
    agent = make_staff("agent", staff_no="2001")
    client = client_for(agent)
    bad = client.post(
        f"/api/training/quizzes/{quiz.pk}/attempts",
        json.dumps({"responses": {"6": ["8"]}}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["detail"][0]["message"] == "第6题应填写 3 个空"
    ok = client.post(
        f"/api/training/quizzes/{quiz.pk}/attempts",
        json.dumps({"responses": SEED_ANSWERS}),
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["percent"] == 100.0 and ok.json()["passed"] is True
    other = client_for(make_staff("agent", staff_no="2002"))
    assert other.get(f"/api/training/attempts/{ok.json()['id']}").status_code == 403
    rows = client_for(make_staff("team_lead")).get(f"/api/training/quizzes/{quiz.pk}/results").json()
    assert [(r["staff_no"], r["best"]) for r in rows] == [("2001", 100.0), ("2002", None)]


def test_api_create_quiz_loads_the_12345_bank(center, make_staff, client_for):
    client = client_for(make_staff("team_lead"))
    response = client.post(
        "/api/training/quizzes",
        json.dumps({"bank_code": "12345-may", "title": "月考", "kind": "exam"}),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["questions"] == 24 and response.json()["max_attempts"] == 1
    missing = client.post(
        "/api/training/quizzes", json.dumps({"bank_code": "nope", "title": "x"}), content_type="application/json"
    )
    assert missing.status_code == 400 and missing.json()["detail"][0]["field"] == "bank_code"


def test_team_lead_publishes_an_exam_from_the_12345_bank(center, make_staff, client_for):  # 004:L13–69
    client = client_for(make_staff("team_lead"))
    assert "12345话务人员五月份学习检测题（24 题）" in client.get("/training/").content.decode()
    bad = client.post("/training/", {"bank": "12345-may", "title": "  ", "kind": "exam"}).content.decode()
    assert "测验名称不能为空" in bad
    assert (
        client.post(
            "/training/", {"bank": "12345-may", "title": "六月考试", "kind": "exam", "pass_percent": "85"}
        ).status_code
        == 302
    )
    from kefu.training.models import Quiz

    quiz = Quiz.objects.get()
    assert (quiz.title, quiz.kind, quiz.pass_percent, quiz.max_attempts) == ("六月考试", "exam", 85, 1)
    assert client_for(make_staff("agent")).post("/training/", {"bank": "12345-may", "title": "x"}).status_code == 403
