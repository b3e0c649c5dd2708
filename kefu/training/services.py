"""Training use cases: banks, quizzes, graded attempts, product training and the on-sale gate."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from kefu.errors import Conflict, NotAllowed, Problem, RuleViolation
from kefu.org.models import Center, Staff
from kefu.org.policy import policy_for
from kefu.org.roles import Role, roles_of
from kefu.training import grading
from kefu.training.models import Attempt, AttemptAnswer, Product, ProductTraining, Question, QuestionBank, Quiz
from kefu.training.policy import SECTION

DATA = Path(__file__).parent / "data"
QUIZ_12345 = DATA / "quiz_12345_may.json"
FRONT_LINE_ROLES = (Role.AGENT.value, Role.SENIOR_AGENT.value)


def policy(center: Center) -> dict:
    return policy_for(SECTION, center)


def _check_question(q: dict, i: int) -> list[Problem]:
    where = f"questions[{i}]"
    problems = []
    if q.get("kind") not in grading.KINDS:
        return [Problem(f"{where}.kind", "kind", f"第{q.get('number', i + 1)}题题型应为 {'/'.join(grading.KINDS)}")]
    if not str(q.get("text") or "").strip():
        problems.append(Problem(f"{where}.text", "required", f"第{q.get('number')}题题目不能为空"))
    keys = {o.get("key") for o in q.get("options") or []}
    answer = q.get("answer")
    if q["kind"] in ("single", "judge") and answer not in keys:
        problems.append(Problem(f"{where}.answer", "answer", f"第{q.get('number')}题的答案必须是选项之一"))
    if q["kind"] == "multiple" and (not isinstance(answer, list) or not answer or not set(answer) <= keys):
        problems.append(Problem(f"{where}.answer", "answer", f"第{q.get('number')}题的答案必须是选项的组合"))
    if q["kind"] == "fill" and (
        not isinstance(answer, dict)
        or not answer.get("blanks")
        or not all(isinstance(b, list) and b for b in answer["blanks"])
    ):
        problems.append(Problem(f"{where}.answer", "answer", f"第{q.get('number')}题每个空至少要有一个标准答案"))
    return problems


@transaction.atomic
def load_bank(center: Center, data: dict) -> QuestionBank:
    """Create or update a bank from data (idempotent: loading the same data twice changes nothing)."""
    problems = [p for i, q in enumerate(data.get("questions") or []) for p in _check_question(q, i)]
    numbers = [str(q.get("number")) for q in data.get("questions") or []]
    if len(set(numbers)) != len(numbers):
        problems.append(Problem("questions", "duplicate", "题号重复"))
    if not numbers:
        problems.append(Problem("questions", "required", "题库至少需要一道题"))
    if problems:
        raise RuleViolation.many(problems)
    bank, _ = QuestionBank.objects.update_or_create(
        center=center, code=data["code"], defaults={"title": data["title"], "source": data.get("source", "")}
    )
    for position, q in enumerate(data["questions"]):
        Question.objects.update_or_create(
            bank=bank,
            number=str(q["number"]),
            defaults={
                "kind": q["kind"],
                "text": q["text"],
                "options": q.get("options") or [],
                "answer": q["answer"],
                "points": Decimal(str(q.get("points", 1))),
                "seed": q.get("seed", ""),
                "position": position,
            },
        )
    return bank


def load_12345_bank(center: Center) -> QuestionBank:
    """The 12345 monthly test of the seed (004:L13–69) as the center's first bank."""
    return load_bank(center, json.loads(QUIZ_12345.read_text(encoding="utf-8")))


@transaction.atomic
def create_quiz(
    center: Center,
    bank: QuestionBank,
    *,
    title: str,
    kind: str = Quiz.Kind.QUIZ,
    pass_percent: int | None = None,
    max_attempts: int | None = None,
    actor: Staff | None = None,
) -> Quiz:
    if not (title or "").strip():
        raise RuleViolation("测验名称不能为空", field="title", rule="required")
    if kind not in Quiz.Kind.values:
        raise RuleViolation("类型应为练习测验或考试", field="kind", rule="choice")
    pass_percent = policy(center)["pass_percent"] if pass_percent is None else pass_percent
    if not 0 <= pass_percent <= 100:
        raise RuleViolation("及格线应在 0 到 100 之间", field="pass_percent", rule="range")
    if max_attempts is not None and max_attempts < 1:
        raise RuleViolation("作答次数上限至少为 1", field="max_attempts", rule="range")
    if bank.center_id != center.pk or not bank.questions.exists():
        raise RuleViolation("题库不存在或没有试题", field="bank", rule="empty_bank")
    if kind == Quiz.Kind.EXAM and max_attempts is None:
        max_attempts = 1
    return Quiz.objects.create(
        center=center,
        bank=bank,
        title=title.strip()[:100],
        kind=kind,
        pass_percent=pass_percent,
        max_attempts=max_attempts,
        created_by=actor,
    )


@transaction.atomic
def submit_attempt(quiz: Quiz, *, staff: Staff, responses: dict) -> Attempt:
    """Grade and store one attempt. `responses` maps question number -> answer (str, list of str)."""
    if not quiz.is_open:
        raise Conflict("该测验已关闭", field="quiz", rule="quiz_closed")
    if staff.center_id != quiz.center_id:
        raise NotAllowed("只能参加本中心的测验")
    if quiz.max_attempts is not None and Attempt.objects.filter(quiz=quiz, staff=staff).count() >= quiz.max_attempts:
        raise Conflict(f"该{quiz.get_kind_display()}最多作答 {quiz.max_attempts} 次", field="quiz", rule="max_attempts")
    if not isinstance(responses, dict):
        raise RuleViolation("作答应为对象（题号 → 答案）", field="responses", rule="type")
    questions = list(quiz.bank.questions.all())
    numbers = {q.number for q in questions}
    problems = [
        Problem(f"responses.{k}", "unknown_question", f"没有第{k}题") for k in responses if str(k) not in numbers
    ]
    for q in questions:
        error = grading.shape_error(q.as_data() | {"number": q.number}, responses.get(q.number))
        if error:
            problems.append(Problem(f"responses.{q.number}", "answer_shape", error))
    if problems:
        raise RuleViolation.many(problems)
    earned, possible, graded = grading.grade_all([q.as_data() for q in questions], responses)
    percent = round(earned * 100 / possible, 1) if possible else 0.0
    attempt = Attempt.objects.create(
        quiz=quiz,
        staff=staff,
        score=Decimal(str(earned)),
        max_score=Decimal(str(possible)),
        percent=Decimal(str(percent)),
        passed=percent >= quiz.pass_percent,
    )
    AttemptAnswer.objects.bulk_create(
        [
            AttemptAnswer(
                attempt=attempt,
                question=q,
                response=responses.get(q.number),
                earned=Decimal(str(g.earned)),
                correct=g.correct,
            )
            for q, g in zip(questions, graded)
        ]
    )
    return attempt


# ---- products: trained before on sale (003:L19) ------------------------------------------------


def required_staff(center: Center):
    """Who must be trained on a product before it goes on sale: the active front-line agents."""
    return (
        Staff.objects.filter(center=center, is_active=True, user__groups__name__in=FRONT_LINE_ROLES)
        .distinct()
        .order_by("staff_no")
    )


def untrained(product: Product) -> list[Staff]:
    done = set(product.trainings.values_list("staff_id", flat=True))
    return [s for s in required_staff(product.center) if s.pk not in done]


@transaction.atomic
def create_product(
    center: Center, *, code: str, name: str, attributes: str = "", actor: Staff | None = None
) -> Product:
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        raise RuleViolation("产品代码不能为空", field="code", rule="required")
    if not name:
        raise RuleViolation("产品名称不能为空", field="name", rule="required")
    if Product.objects.filter(center=center, code=code).exists():
        raise Conflict(f"产品代码 {code} 已存在", field="code", rule="duplicate")
    return Product.objects.create(
        center=center, code=code[:40], name=name[:100], attributes=attributes or "", created_by=actor
    )


@transaction.atomic
def record_training(
    product: Product, trainees: list[Staff], *, trainer: Staff, at: datetime | None = None, note: str = ""
) -> int:
    """Record that these agents attended the product's course (given by the team lead, 003:L19). Returns new records."""
    allowed_roles = set(policy(product.center)["trainer_roles"])
    if not {r.value for r in roles_of(trainer.user)} & allowed_roles:
        raise NotAllowed("只有班长（客服组长）或主管可以登记产品培训")
    if not trainees:
        raise RuleViolation("请选择参加培训的人员", field="staff", rule="required")
    foreign = [s.staff_no for s in trainees if s.center_id != product.center_id]
    if foreign:
        raise RuleViolation(f"工号 {'、'.join(foreign)} 不属于本中心", field="staff", rule="center")
    at = at or timezone.now()
    if at > timezone.now():
        raise RuleViolation("培训时间不能晚于现在", field="trained_at", rule="future")
    created = 0
    for s in trainees:
        _, new = ProductTraining.objects.get_or_create(
            product=product, staff=s, defaults={"trainer": trainer, "trained_at": at, "note": note[:200]}
        )
        created += int(new)
    return created


@transaction.atomic
def put_on_sale(product: Product, actor: Staff) -> Product:
    """客服必须在新产品上架前掌握产品属性 (003:L19): refused while any agent is untrained, naming them."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.status == Product.Status.ON_SALE:
        raise Conflict("该产品已上架", field="status", rule="state")
    if policy(product.center)["require_product_training"]:
        missing = untrained(product)
        if missing:
            nos = "、".join(s.staff_no for s in missing)
            raise RuleViolation(
                f"以下话务员尚未完成产品培训，不能上架：{nos}", field="staff", rule="product_training_required"
            )
    product.status = Product.Status.ON_SALE
    product.on_sale_at = timezone.now()
    product.save(update_fields=["status", "on_sale_at"])
    return product
