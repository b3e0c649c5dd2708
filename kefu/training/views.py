"""Training pages: quizzes (take one, see the result), scores per agent, product training."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kefu.access import allowed, require
from kefu.errors import RuleViolation
from kefu.org.models import Staff
from kefu.training import selectors, services
from kefu.training.models import Attempt, Product, QuestionBank, Quiz

# grading.KINDS in the user's language (grading is a pure module and stays Chinese-only).
QUESTION_KINDS = {
    "single": gettext_lazy("单选题"),
    "judge": gettext_lazy("判断题"),
    "multiple": gettext_lazy("多选题"),
    "fill": gettext_lazy("填空题"),
}


def _me(request) -> Staff:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("当前账号没有员工档案"))
    return staff


@require("training.list_quizzes")
def index(request):
    me = _me(request)
    errors = []
    if request.method == "POST":
        if not allowed(request.user, "training.create_quiz"):
            raise PermissionDenied(_("当前角色无权新建测验"))
        try:
            bank = QuestionBank.objects.filter(center=me.center, code=request.POST.get("bank", "")).first()
            if bank is None:
                raise RuleViolation(_("请选择题库"), field="bank", rule="required")
            raw = request.POST.get("pass_percent", "").strip()
            quiz = services.create_quiz(
                me.center,
                bank,
                title=request.POST.get("title", ""),
                kind=request.POST.get("kind", "quiz"),
                pass_percent=int(raw) if raw.isdigit() else None,
                actor=me,
            )
        except RuleViolation as exc:
            errors = [p.as_dict() for p in exc.problems]
        else:
            messages.success(
                request, _("已发布%(kind)s《%(title)s》") % {"kind": quiz.get_kind_display(), "title": quiz.title}
            )
            return redirect("training:index")
    quizzes = list(Quiz.objects.filter(center=me.center).select_related("bank"))
    mine = {}
    for a in selectors.my_attempts(me):
        mine.setdefault(a.quiz_id, a)  # latest first
    rows = [{"quiz": q, "latest": mine.get(q.pk), "questions": q.bank.questions.count()} for q in quizzes]
    if allowed(request.user, "training.create_quiz") and not QuestionBank.objects.filter(center=me.center).exists():
        services.load_12345_bank(me.center)  # the seed's 12345 test is every center's first bank (004:L13–69)
    return render(
        request,
        "training/index.html",
        {
            "rows": rows,
            "errors": errors,
            "banks": QuestionBank.objects.filter(center=me.center),
            "post": request.POST,
            "can_create": allowed(request.user, "training.create_quiz"),
            "pass_default": services.policy(me.center)["pass_percent"],
            "can_take": allowed(request.user, "training.submit_attempt"),
            "can_results": allowed(request.user, "training.quiz_results"),
        },
    )


def _responses_from_post(post, questions) -> dict:
    out = {}
    for q in questions:
        name = f"q_{q.number}"
        if q.kind == "multiple":
            out[q.number] = post.getlist(name)
        elif q.kind == "fill":
            out[q.number] = [post.get(f"{name}_{i}", "") for i in range(q.blanks)]
        else:
            out[q.number] = post.get(name, "")
    return out


@require("training.submit_attempt")
def take(request, pk: int):
    me = _me(request)
    quiz = get_object_or_404(Quiz.objects.select_related("bank"), pk=pk, center=me.center)
    questions = list(quiz.bank.questions.all())
    errors, responses = [], {}
    if request.method == "POST":
        responses = _responses_from_post(request.POST, questions)
        try:
            attempt = services.submit_attempt(quiz, staff=me, responses=responses)
        except RuleViolation as exc:
            errors = [p.as_dict() for p in exc.problems]
        else:
            return redirect("training:attempt", pk=attempt.pk)
    rows = []
    for q in questions:
        given = responses.get(q.number)
        rows.append(
            {
                "q": q,
                "given": given,
                "kind_label": QUESTION_KINDS.get(q.kind, q.get_kind_display()),
                "blanks": [
                    (i, (given[i] if isinstance(given, list) and i < len(given) else "")) for i in range(q.blanks)
                ],
            }
        )
    return render(request, "training/take.html", {"quiz": quiz, "rows": rows, "errors": errors})


@require("training.get_attempt")
def attempt(request, pk: int):
    me = _me(request)
    a = get_object_or_404(Attempt.objects.select_related("quiz", "staff"), pk=pk, quiz__center=me.center)
    if a.staff_id != me.pk and not allowed(request.user, "training.quiz_results"):
        raise Http404
    answers = []
    for ans in a.answers.select_related("question"):
        q = ans.question
        if q.kind == "fill":
            sep = pgettext("list separator", "；")
            key = sep.join(" / ".join(accepted[:1]) for accepted in q.answer["blanks"])
            parts = ans.response if isinstance(ans.response, list) else []
            given = sep.join(p.strip() or _("（空）") for p in parts) if any(p.strip() for p in parts) else ""
        elif q.kind == "multiple":
            key, given = "".join(sorted(q.answer)), "".join(sorted(ans.response or []))
        else:
            labels = {o["key"]: o["text"] for o in q.options}
            with_text = _("%(key)s（%(text)s）")
            key = with_text % {"key": q.answer, "text": labels.get(q.answer, "")} if q.kind == "judge" else q.answer
            given = (
                with_text % {"key": ans.response, "text": labels.get(ans.response, "")}
                if q.kind == "judge" and ans.response
                else (ans.response or "")
            )
        answers.append(
            {"q": q, "given": given or _("未作答"), "key": key, "earned": ans.earned, "correct": ans.correct}
        )
    return render(request, "training/attempt.html", {"a": a, "answers": answers})


@require("training.quiz_results")
def results(request, pk: int):
    me = _me(request)
    quiz = get_object_or_404(Quiz, pk=pk, center=me.center)
    return render(request, "training/results.html", {"quiz": quiz, "rows": selectors.results(quiz)})


@require("training.list_products")
def products(request):
    me = _me(request)
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        rule = {
            "create": "training.create_product",
            "train": "training.record_training",
            "on_sale": "training.put_on_sale",
        }.get(action)
        if rule is None or not allowed(request.user, rule):
            raise PermissionDenied(_("当前角色无权执行此操作"))
        try:
            if action == "create":
                services.create_product(
                    me.center,
                    code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                    attributes=request.POST.get("attributes", ""),
                    actor=me,
                )
                messages.success(request, _("已新建产品，请组织培训"))
            else:
                product = get_object_or_404(Product, pk=request.POST.get("product"), center=me.center)
                if action == "train":
                    trainees = list(Staff.objects.filter(center=me.center, staff_no__in=request.POST.getlist("staff")))
                    n = services.record_training(product, trainees, trainer=me, note=request.POST.get("note", ""))
                    messages.success(request, _("已登记 %(n)s 人完成《%(name)s》培训") % {"n": n, "name": product.name})
                else:
                    services.put_on_sale(product, me)
                    messages.success(request, _("《%(name)s》已上架") % {"name": product.name})
        except RuleViolation as exc:
            errors = [p.as_dict() for p in exc.problems]
        else:
            return redirect("training:products")
    rows = []
    for p in Product.objects.filter(center=me.center):
        status = selectors.product_status(p)
        rows.append({"p": p, **status})
    return render(
        request,
        "training/products.html",
        {
            "rows": rows,
            "errors": errors,
            "post": request.POST,
            "can_create": allowed(request.user, "training.create_product"),
            "can_train": allowed(request.user, "training.record_training"),
            "can_sell": allowed(request.user, "training.put_on_sale"),
        },
    )
