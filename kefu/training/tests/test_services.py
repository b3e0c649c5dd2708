"""Training use cases: the 12345 bank, graded attempts, exams, and product training before sale (003:L19)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.errors import Conflict, NotAllowed, RuleViolation
from kefu.training import selectors, services
from kefu.training.models import Attempt, AttemptAnswer, Product, ProductTraining, Question, QuestionBank, Quiz
from kefu.training.tests.test_grading import SEED_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(center):
    return services.load_12345_bank(center)


def test_12345_bank_loads_once(center, bank):  # 004:L13–69
    assert (bank.title, bank.questions.count()) == ("12345话务人员五月份学习检测题", 24)
    services.load_12345_bank(center)
    assert QuestionBank.objects.count() == 1 and Question.objects.count() == 24
    assert Question.objects.get(bank=bank, number="1").answer == "C"


def test_bad_bank_changes_nothing(center):
    data = {
        "code": "x",
        "title": "坏题库",
        "questions": [
            {"number": "1", "kind": "single", "text": "题", "options": [{"key": "A", "text": "甲"}], "answer": "B"},
            {"number": "2", "kind": "fill", "text": "题", "answer": {"blanks": [[]]}},
        ],
    }
    with pytest.raises(RuleViolation) as err:
        services.load_bank(center, data)
    assert [p.field for p in err.value.problems] == ["questions[0].answer", "questions[1].answer"]
    assert "第1题的答案必须是选项之一" in str(err.value)
    assert QuestionBank.objects.count() == 0


def test_attempt_graded_and_stored(center, bank, make_staff):
    agent = make_staff("agent", staff_no="2001")
    quiz = services.create_quiz(center, bank, title="五月检测")
    assert quiz.pass_percent == 80  # policy
    answers = dict(SEED_ANSWERS, **{"1": "A", "6": ["8", "2", "2"]})  # Q1 wrong (−4), Q6 2/3 (−1.33)
    attempt = services.submit_attempt(quiz, staff=agent, responses=answers)
    assert (float(attempt.score), float(attempt.max_score), float(attempt.percent), attempt.passed) == (
        90.67,
        96.0,
        94.4,
        True,
    )
    assert AttemptAnswer.objects.filter(attempt=attempt, correct=False).count() == 2


def test_failing_attempt(center, bank, make_staff):
    agent = make_staff("agent", staff_no="2001")
    quiz = services.create_quiz(center, bank, title="五月检测", pass_percent=60)
    half = {k: v for k, v in list(SEED_ANSWERS.items())[:13]}  # 13 of 24 questions, 52 of 96 = 54.2 %
    attempt = services.submit_attempt(quiz, staff=agent, responses=half)
    assert (float(attempt.score), float(attempt.percent), attempt.passed) == (52.0, 54.2, False)


def test_bad_responses_change_nothing(center, bank, make_staff):
    agent = make_staff("agent", staff_no="2001")
    quiz = services.create_quiz(center, bank, title="五月检测")
    with pytest.raises(RuleViolation) as err:
        services.submit_attempt(quiz, staff=agent, responses={"1": "Z", "6": ["8"], "99": "A"})
    fields = {p.field: p.message for p in err.value.problems}
    assert fields == {
        "responses.99": "没有第99题",
        "responses.1": "第1题的答案应为选项 A/B/C 之一",
        "responses.6": "第6题应填写 3 个空",
    }
    assert Attempt.objects.count() == 0 and AttemptAnswer.objects.count() == 0


def test_exam_allows_one_attempt_and_closed_quiz_refuses(center, bank, make_staff):
    agent = make_staff("agent", staff_no="2001")
    exam = services.create_quiz(center, bank, title="五月考试", kind=Quiz.Kind.EXAM)
    assert exam.max_attempts == 1
    services.submit_attempt(exam, staff=agent, responses=SEED_ANSWERS)
    with pytest.raises(Conflict) as err:
        services.submit_attempt(exam, staff=agent, responses=SEED_ANSWERS)
    assert err.value.problems[0].rule == "max_attempts"
    exam.is_open = False
    exam.save()
    with pytest.raises(Conflict):
        services.submit_attempt(exam, staff=make_staff("agent"), responses=SEED_ANSWERS)
    assert Attempt.objects.count() == 1


def test_results_per_agent(center, bank, make_staff):
    a1, a2, _ = (
        make_staff("agent", staff_no="2001"),
        make_staff("agent", staff_no="2002"),
        make_staff("agent", staff_no="2003"),
    )
    quiz = services.create_quiz(center, bank, title="五月检测")
    services.submit_attempt(quiz, staff=a1, responses={"1": "C"})  # 4 / 96 = 4.2 %
    services.submit_attempt(quiz, staff=a1, responses=SEED_ANSWERS)
    services.submit_attempt(quiz, staff=a2, responses={"1": "C"})
    assert selectors.results(quiz) == [
        {"staff_no": "2001", "attempts": 2, "best": 100.0, "latest": 100.0, "passed": True},
        {"staff_no": "2002", "attempts": 1, "best": 4.2, "latest": 4.2, "passed": False},
        {"staff_no": "2003", "attempts": 0, "best": None, "latest": None, "passed": False},
    ]


def test_product_cannot_go_on_sale_until_agents_are_trained(center, make_staff):  # 003:L19
    lead = make_staff("team_lead", staff_no="9001")
    agents = [make_staff("agent", staff_no=no) for no in ("2001", "2002", "2003")]
    make_staff("qa", staff_no="8001")  # not front line: not required
    product = services.create_product(center, code="5g-plan", name="5G畅享套餐", attributes="月费128元", actor=lead)
    services.record_training(product, agents[:2], trainer=lead)
    with pytest.raises(RuleViolation) as err:
        services.put_on_sale(product, lead)
    assert err.value.problems[0].rule == "product_training_required"
    assert str(err.value) == "以下话务员尚未完成产品培训，不能上架：2003"
    assert Product.objects.get(pk=product.pk).status == Product.Status.TRAINING
    assert selectors.product_status(product) == {"required": 3, "trained": 2, "missing": ["2003"]}
    assert services.record_training(product, agents, trainer=lead) == 1  # the two already trained are not duplicated
    product = services.put_on_sale(product, lead)
    assert product.status == Product.Status.ON_SALE and product.on_sale_at is not None
    with pytest.raises(Conflict):
        services.put_on_sale(product, lead)


def test_only_trainers_record_training(center, make_staff):  # 003:L19: 由客服组长负责给客服上课
    agent = make_staff("agent", staff_no="2001")
    product = services.create_product(center, code="p", name="产品")
    with pytest.raises(NotAllowed):
        services.record_training(product, [agent], trainer=make_staff("agent", staff_no="2002"))
    lead = make_staff("team_lead")
    with pytest.raises(RuleViolation) as err:
        services.record_training(product, [agent], trainer=lead, at=timezone.now() + timedelta(hours=1))
    assert err.value.problems[0].field == "trained_at"
    assert ProductTraining.objects.count() == 0


def test_policy_can_drop_the_training_gate(center, make_staff):
    from kefu.org import services as org_services

    make_staff("agent", staff_no="2001")
    org_services.update_policy(center, preset="ecommerce", overrides={"training": {"require_product_training": False}})
    product = services.create_product(center, code="p", name="产品")
    assert services.put_on_sale(product, make_staff("team_lead")).status == Product.Status.ON_SALE


def test_duplicate_product_code(center):
    services.create_product(center, code="p", name="产品")
    with pytest.raises(Conflict) as err:
        services.create_product(center, code="p", name="另一个")
    assert err.value.problems[0].field == "code"
