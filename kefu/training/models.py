"""Question banks, quizzes and exams with per-agent attempts; products and their training records.

The first bank is the 12345 monthly test of the seed (004:L13–69), loaded from data/quiz_12345_may.json.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.org.models import Center, Staff
from kefu.training.grading import KINDS


class QuestionBank(models.Model):
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    code = models.SlugField("代码", max_length=40)
    title = models.CharField("名称", max_length=100)
    source = models.CharField("出处", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "题库"
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="bank_code_unique")]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions", verbose_name="题库")
    number = models.CharField("题号", max_length=10)
    kind = models.CharField("题型", max_length=10, choices=list(KINDS.items()))
    text = models.TextField("题目")
    options = models.JSONField("选项", default=list, blank=True)  # [{"key": "A", "text": "..."}]
    answer = models.JSONField("答案")  # "C" | ["A", "B"] | {"blanks": [[accepted...], ...], "unordered": bool}
    points = models.DecimalField("分值", max_digits=5, decimal_places=2, default=1)
    seed = models.CharField("出处", max_length=60, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "试题"
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["bank", "number"], name="question_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:20]}"

    def as_data(self) -> dict:
        return {
            "number": self.number,
            "kind": self.kind,
            "options": self.options,
            "answer": self.answer,
            "points": float(self.points),
        }

    @property
    def blanks(self) -> int:
        return len(self.answer.get("blanks", [])) if isinstance(self.answer, dict) else 0


class Quiz(models.Model):
    class Kind(models.TextChoices):
        QUIZ = "quiz", _("练习测验")
        EXAM = "exam", _("考试")

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="quizzes", verbose_name="题库")
    title = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.QUIZ)
    pass_percent = models.PositiveSmallIntegerField("及格线（%）")
    is_open = models.BooleanField("开放作答", default=True)
    max_attempts = models.PositiveSmallIntegerField("作答次数上限", null=True, blank=True)  # an exam: 1
    created_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "测验与考试"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts", verbose_name="测验")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name="作答人")
    submitted_at = models.DateTimeField("交卷时间", auto_now_add=True)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    max_score = models.DecimalField("满分", max_digits=6, decimal_places=2)
    percent = models.DecimalField("得分率（%）", max_digits=5, decimal_places=1)
    passed = models.BooleanField("及格")

    class Meta:
        verbose_name = verbose_name_plural = "作答记录"
        ordering = ["-submitted_at", "-id"]


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers", verbose_name="作答")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+", verbose_name="试题")
    response = models.JSONField("作答", null=True, blank=True)
    earned = models.DecimalField("得分", max_digits=5, decimal_places=2)
    correct = models.BooleanField("全对")

    class Meta:
        verbose_name = verbose_name_plural = "答题明细"
        ordering = ["question__position", "id"]


class Product(models.Model):
    """A product or new business that agents must learn before it goes on sale (003:L19)."""

    class Status(models.TextChoices):
        TRAINING = "training", _("培训中")
        ON_SALE = "on_sale", _("已上架")

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=100)
    attributes = models.TextField("产品属性", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.TRAINING)
    on_sale_at = models.DateTimeField("上架时间", null=True, blank=True)
    created_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "产品培训"
        ordering = ["status", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="product_code_unique")]

    def __str__(self) -> str:
        return self.name


class ProductTraining(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="trainings", verbose_name="产品")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="product_trainings", verbose_name="学员")
    trainer = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="授课人")
    trained_at = models.DateTimeField("培训时间")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训记录"
        constraints = [models.UniqueConstraint(fields=["product", "staff"], name="product_training_once")]
