"""回访与回呼 pages: the callback queue sorted by due time, one task (customer history, attempts, actions), a task
by hand, and the leads' figures."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.audit.services import can_unmask
from kefu.errors import RuleViolation
from kefu.followup import chasing, machine, optout, present, rules, selectors, services
from kefu.followup.models import Chase, Task
from kefu.messages import Msg
from kefu.messages import render as render_msg
from kefu.scope import caller

OUTCOME_CHOICES = lambda: [(o, render_msg(f"followup.outcome.{o}")) for o in rules.OUTCOMES]  # noqa: E731
CLOSURE_CHOICES = lambda: [(c, render_msg(f"followup.closure.{c}")) for c in rules.CLOSURES]  # noqa: E731
KIND_CHOICES = lambda: [(k, render_msg(f"followup.kind.{k}")) for k in Task.Kind.values]  # noqa: E731


@require("page.followup.queue")
def queue(request):
    scope = caller(request)
    everyone = request.GET.get("all") == "1" and scope.has(*selectors.LEAD_ROLES)
    unmasked = present.wants_unmask(request, request.GET.get("unmask") == "1")
    tasks = list(selectors.queue(scope, everyone=everyone)[:300])
    present.audit(request, tasks, unmasked, "回访队列")
    now = timezone.now()
    return render(
        request,
        "followup/queue.html",
        {
            "rows": [present.task_dict(t, unmasked, now) for t in tasks],
            "everyone": everyone,
            "is_lead": scope.has(*selectors.LEAD_ROLES),
            "can_unmask": can_unmask(request.user),
            "unmasked": unmasked,
            "kinds": KIND_CHOICES(),
            "visit_hours": services.policy_for("followup", scope.center)["return_visit_hours"],
            "form": {},
            "errors": {},
        },
    )


@require("page.followup.queue")
@require_POST
def create(request):
    scope = caller(request)
    data = {k: request.POST.get(k, "") for k in ("kind", "reason", "phone", "order", "due_at", "base_day", "owner")}
    try:
        task = services.create_task(scope, data=data)
    except RuleViolation as exc:
        for p in exc.problems:
            messages.error(request, p.message)
        tasks = list(selectors.queue(scope)[:300])
        present.audit(request, tasks, False, "回访队列")
        return render(
            request,
            "followup/queue.html",
            {
                "rows": [present.task_dict(t, False, timezone.now()) for t in tasks],
                "everyone": False,
                "is_lead": scope.has(*selectors.LEAD_ROLES),
                "can_unmask": can_unmask(request.user),
                "unmasked": False,
                "kinds": KIND_CHOICES(),
                "visit_hours": services.policy_for("followup", scope.center)["return_visit_hours"],
                "form": data,
                "errors": {p.field: str(p.message) for p in exc.problems},
            },
            status=400,
        )
    messages.success(request, _("已登记回访任务"))
    return redirect("followup:detail", pk=task.pk)


def _history(task: Task) -> list:
    if task.customer_id is None:
        return []
    from kefu.tickets.models import Order

    return list(Order.objects.filter(customer_id=task.customer_id).order_by("-accepted_at", "-id")[:10])


@require("page.followup.queue")
def detail(request, pk: int, errors: dict | None = None, status: int = 200):
    scope = caller(request)
    task = scope.get(Task.objects.select_related("owner", "customer", "order"), str(Msg("followup.what.task")), pk=pk)
    unmasked = present.wants_unmask(request, request.GET.get("unmask") == "1")
    present.audit(request, [task], unmasked, "回访任务")
    history = _history(task)
    refusal = optout.standing(task.customer)
    closable = set(
        rules.closable(
            task.attempts.values_list("outcome", flat=True),
            services.policy_for("followup", scope.center)["max_failed_attempts"],
        )
    )
    if refusal is not None:
        closable.add(rules.REFUSED)  # the customer refused beforehand: close without calling (machine._may_close)
    return render(
        request,
        "followup/detail.html",
        {
            "task": present.task_dict(task, unmasked, timezone.now()),
            "attempts": present.attempts(task),
            "events": present.events(task),
            "actions": present.actions(scope, task),
            "history": history,
            "outcomes": OUTCOME_CHOICES(),
            "closures": CLOSURE_CHOICES(),
            "can_unmask": can_unmask(request.user),
            "unmasked": unmasked,
            "errors": errors or {},
            "closable": sorted(closable),
            "refusal": str(optout.reason_of(refusal)) if refusal else "",
        },
        status=status,
    )


@require("page.followup.queue")
@require_POST
def fire(request, pk: int):
    scope = caller(request)
    name = request.POST.get("name", "")
    fields = {k: request.POST[k] for k in machine.FIELDS if request.POST.get(k, "").strip()}
    try:
        services.fire(scope, pk, name=name, version=request.POST.get("version"), **fields)
    except RuleViolation as exc:
        if exc.status == 404:
            raise
        for p in exc.problems:
            messages.error(request, p.message)
        return detail(request, pk, errors={p.field: str(p.message) for p in exc.problems}, status=exc.status)
    messages.success(request, _("已保存"))
    return redirect("followup:detail", pk=pk)


@require("page.followup.figures")
def figures(request):
    """The leads' figures of a period (default: this month so far): callback timeliness, return-visit coverage,
    satisfaction found on visits and surveys, for the center and per agent; chases per department."""
    from kefu.web.inputs import parse_day

    scope = caller(request)
    today = timezone.localdate()
    start = parse_day(request.GET.get("start"), _("开始日期"), field="start") or today.replace(day=1)
    last = parse_day(request.GET.get("end"), _("结束日期"), field="end") or today
    if last < start:
        raise RuleViolation.of("followup.period.invalid", field="end", start=start, end=last)
    aware = lambda d: timezone.make_aware(datetime.combine(d, time.min))  # noqa: E731
    end = last + timedelta(days=1)
    f = selectors.figures(scope, aware(start), aware(end), timezone.now())
    return render(
        request,
        "followup/figures.html",
        {"f": f, "start": start, "end": last, "departments": chasing.by_department(scope, aware(start), aware(end))},
    )


@require("page.followup.ivr")
@require_POST
def ivr_import(request):
    """IVR satisfaction results uploaded on the figures page: all rows or none."""
    from kefu.followup import surveys

    scope = caller(request)
    f = request.FILES.get("file")
    try:
        if f is None:
            raise RuleViolation.of("followup.ivr.empty", field="file")
        result = surveys.import_ivr(scope, f.name, f.read(5 * 1024 * 1024 + 1))
    except RuleViolation as exc:
        for p in exc.problems:
            messages.error(request, p.message)
    else:
        messages.success(
            request,
            _(
                "已导入 %(added)s 条IVR满意度结果（%(unchanged)s 条此前已导入，%(dissatisfied)s 条不满意，"
                "%(redispatched)s 张工单已重新派单）"
            )
            % vars(result),
        )
    return redirect("followup:figures")


@require("page.followup.chase")
def chase(request, order_id: int):
    """催办 / 督办 of one order: its chases so far and the form (004:L2159)."""
    from kefu.tickets.models import Order

    scope = caller(request)
    order = scope.get(Order.objects.select_related("department"), str(Msg("followup.what.order")), pk=order_id)
    status = 200
    if request.method == "POST":
        try:
            chasing.chase(
                scope,
                order.pk,
                kind=request.POST.get("kind", ""),
                note=request.POST.get("note", ""),
                on_customer_request=request.POST.get("on_customer_request") == "on",
            )
        except RuleViolation as exc:
            if exc.status == 404:
                raise
            for p in exc.problems:
                messages.error(request, p.message)
            status = exc.status
        else:
            messages.success(request, _("已保存"))
            return redirect("followup:chase", order_id=order.pk)
    rows = [
        {
            "at": c.at,
            "kind_label": render_msg(f"followup.chase.kind.{c.kind}"),
            "by_no": c.by.staff_no if c.by else "",
            "note": c.note,
            "on_request": c.on_customer_request,
        }
        for c in Chase.objects.filter(order=order).select_related("by")
    ]
    return render(
        request,
        "followup/chase.html",
        {
            "order": order,
            "rows": rows,
            "can_supervise": scope.has(*chasing.SUPERVISORS),
            "can_chase": scope.has(*chasing.CHASERS),
        },
        status=status,
    )


def survey(request, token: str):
    """The customer's survey page: no login, the signed link is the key; answered once, before it expires. The page
    also lets the customer refuse further follow-up contact (kefu.followup.optout), answered or not."""
    from kefu.followup import surveys

    now = timezone.now()
    try:
        found = surveys.survey_of(token, now)
    except RuleViolation as exc:
        return render(request, "followup/survey.html", {"closed": exc}, status=404)
    if request.method == "POST":
        try:
            done = surveys.answer(token, request.POST.get("answer", ""), request.POST.get("comment", ""), now)
        except RuleViolation as exc:
            status = exc.status
            if exc.problems[0].field is None:
                return render(request, "followup/survey.html", {"closed": exc, "token": token}, status=status)
            return render(
                request, "followup/survey.html", {"survey": found, "error": exc, "token": token}, status=status
            )
        return render(request, "followup/survey.html", {"thanks": done, "token": token})
    try:
        surveys.check_open(found, now)
    except RuleViolation as exc:
        return render(request, "followup/survey.html", {"closed": exc, "token": token}, status=exc.status)
    return render(request, "followup/survey.html", {"survey": found, "token": token})
