"""Training API: quizzes (the 12345 test first), graded attempts, scores per agent, product training."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from kefu.access import allowed, op
from kefu.errors import NotAllowed, RuleViolation
from kefu.org.models import Staff
from kefu.training import selectors, services
from kefu.training.models import Attempt, Product, QuestionBank, Quiz

router = Router(tags=["培训 training"])


class QuizOut(Schema):
    id: int
    title: str
    kind: str
    bank: str
    pass_percent: int
    max_attempts: int | None
    is_open: bool
    questions: int

    @staticmethod
    def resolve_bank(obj):
        return obj.bank.code

    @staticmethod
    def resolve_questions(obj):
        return obj.bank.questions.count()


class QuestionOut(Schema):
    number: str
    kind: str
    text: str
    options: list
    blanks: int
    points: float


class QuizDetailOut(QuizOut):
    items: list[QuestionOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.bank.questions.all())


class QuizIn(Schema):
    bank_code: str = Field(..., max_length=40)
    title: str = Field(..., max_length=100)
    kind: str = Field("quiz", pattern="^(quiz|exam)$")
    pass_percent: int | None = Field(None, ge=0, le=100)
    max_attempts: int | None = Field(None, ge=1)


class AttemptIn(Schema):
    responses: dict[str, str | list[str] | None]


class AnswerOut(Schema):
    number: str
    response: str | list[str] | None
    earned: float
    correct: bool


class AttemptOut(Schema):
    id: int
    quiz_id: int
    staff_no: str
    submitted_at: datetime
    score: float
    max_score: float
    percent: float
    passed: bool
    answers: list[AnswerOut]

    @staticmethod
    def resolve_staff_no(obj):
        return obj.staff.staff_no

    @staticmethod
    def resolve_answers(obj):
        return [
            {"number": a.question.number, "response": a.response, "earned": float(a.earned), "correct": a.correct}
            for a in obj.answers.select_related("question")
        ]


class ResultOut(Schema):
    staff_no: str
    attempts: int
    best: float | None
    latest: float | None
    passed: bool


class ProductIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=100)
    attributes: str = Field("", max_length=4000)


class ProductOut(Schema):
    id: int
    code: str
    name: str
    status: str
    on_sale_at: datetime | None
    required: int
    trained: int
    missing: list[str]

    @staticmethod
    def resolve_required(obj):
        return selectors.product_status(obj)["required"]

    @staticmethod
    def resolve_trained(obj):
        return selectors.product_status(obj)["trained"]

    @staticmethod
    def resolve_missing(obj):
        return selectors.product_status(obj)["missing"]


class TrainingIn(Schema):
    staff_nos: list[str]
    trained_at: datetime | None = None
    note: str = Field("", max_length=200)


def _me(request) -> Staff:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise NotAllowed("当前账号没有员工档案")
    return staff


@op(router.get, "/quizzes", "training.list_quizzes", response=list[QuizOut])
def list_quizzes(request):
    me = _me(request)
    return list(Quiz.objects.filter(center=me.center).select_related("bank"))


@op(router.get, "/quizzes/{pk}", "training.get_quiz", response=QuizDetailOut)
def get_quiz(request, pk: int):
    return get_object_or_404(Quiz.objects.select_related("bank"), pk=pk, center=_me(request).center)


@op(router.post, "/quizzes", "training.create_quiz", response={201: QuizOut})
def create_quiz(request, payload: QuizIn):
    me = _me(request)
    bank = QuestionBank.objects.filter(center=me.center, code=payload.bank_code).first()
    if bank is None:
        if payload.bank_code != "12345-may":
            raise RuleViolation(f"题库 {payload.bank_code} 不存在", field="bank_code", rule="not_found")
        bank = services.load_12345_bank(me.center)
    return 201, services.create_quiz(
        me.center,
        bank,
        title=payload.title,
        kind=payload.kind,
        pass_percent=payload.pass_percent,
        max_attempts=payload.max_attempts,
        actor=me,
    )


@op(router.post, "/quizzes/{pk}/attempts", "training.submit_attempt", response={201: AttemptOut})
def submit_attempt(request, pk: int, payload: AttemptIn):
    me = _me(request)
    quiz = get_object_or_404(Quiz, pk=pk, center=me.center)
    return 201, services.submit_attempt(quiz, staff=me, responses=payload.responses)


@op(router.get, "/attempts/{pk}", "training.get_attempt", response=AttemptOut)
def get_attempt(request, pk: int):
    me = _me(request)
    attempt = get_object_or_404(Attempt.objects.select_related("staff", "quiz"), pk=pk, quiz__center=me.center)
    if attempt.staff_id != me.pk and not allowed(request.user, "training.quiz_results"):
        raise NotAllowed("只能查看自己的作答")
    return attempt


@op(router.get, "/quizzes/{pk}/results", "training.quiz_results", response=list[ResultOut])
def quiz_results(request, pk: int):
    return selectors.results(get_object_or_404(Quiz, pk=pk, center=_me(request).center))


@op(router.get, "/products", "training.list_products", response=list[ProductOut])
def list_products(request):
    return list(Product.objects.filter(center=_me(request).center))


@op(router.post, "/products", "training.create_product", response={201: ProductOut})
def create_product(request, payload: ProductIn):
    me = _me(request)
    return 201, services.create_product(
        me.center, code=payload.code, name=payload.name, attributes=payload.attributes, actor=me
    )


def _product(request, pk: int) -> Product:
    return get_object_or_404(Product, pk=pk, center=_me(request).center)


@op(router.post, "/products/{pk}/trainings", "training.record_training", response=ProductOut)
def record_training(request, pk: int, payload: TrainingIn):
    me = _me(request)
    product = _product(request, pk)
    staff = {s.staff_no: s for s in Staff.objects.filter(center=me.center, staff_no__in=payload.staff_nos)}
    unknown = [no for no in payload.staff_nos if no not in staff]
    if unknown:
        raise RuleViolation(f"工号不存在：{'、'.join(unknown)}", field="staff_nos", rule="not_found")
    services.record_training(product, list(staff.values()), trainer=me, at=payload.trained_at, note=payload.note)
    return product


@op(router.post, "/products/{pk}/on-sale", "training.put_on_sale", response=ProductOut)
def put_on_sale(request, pk: int):
    return services.put_on_sale(_product(request, pk), _me(request))
