"""交接班 pages: my handovers (write, sign, countersign, open items), one diary, the supervisor's view."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.audit.services import can_unmask
from kefu.errors import RuleViolation
from kefu.shiftlog import present, rules, selectors, services
from kefu.shiftlog.models import Item
from kefu.web.inputs import parse_day, parse_moment

# The pure modules' labels (rules.FLAG_LABELS, rules.ISSUE_LABELS) in the user's language; the machine's states and
# the history come from the message catalogue (kefu/shiftlog/messages.py), rendered by present.handover_dict.
FLAG_NAMES = {
    rules.Flag.UNSIGNED: gettext_lazy("逾期未交班签字"),
    rules.Flag.SIGNED_LATE: gettext_lazy("交班签字迟延"),
    rules.Flag.NOT_COUNTERSIGNED: gettext_lazy("逾期未接班签字"),
    rules.Flag.COUNTERSIGNED_LATE: gettext_lazy("接班签字迟延"),
}
ISSUE_NAMES = {
    rules.IssueKind.OMISSION: gettext_lazy("漏交"),
    rules.IssueKind.WRONG_HANDOVER: gettext_lazy("错交"),
    rules.IssueKind.MIS_RECEIPT: gettext_lazy("错接"),
}


def _shown(data: dict) -> dict:
    """Flag labels of present.handover_dict (built from the pure modules) in the user's language."""
    data["flag_labels"] = [FLAG_NAMES[rules.Flag(f)] for f in data["flags"]]
    return data


def _staff(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise Http404(_("当前账号没有员工档案"))
    return staff


def _fail(request, exc: RuleViolation) -> None:
    for p in exc.problems:
        messages.error(request, p.message)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _local_dt(value: str) -> datetime | None:
    return parse_moment(value, _("处理/回电期限"), field="due_at")


@require("page.shiftlog.mine")
def mine(request):
    staff = _staff(request)
    data = selectors.mine(staff)
    now = timezone.now()
    shifts = services.shifts_of(staff.center)
    guess, guess_day = services.likely_shift(staff, now)  # the rostered shift first
    unmasked = present.wants_unmask(request, request.GET.get("unmask") == "1")
    items = [present.item_dict(i, unmasked) for i in data.open_items]
    present.audit_customers(request, items, unmasked, "我的未结交接事项")
    annotate = lambda rows: [(h, [FLAG_NAMES[f] for f in selectors.flags_of(h, now)]) for h in rows]  # noqa: E731
    return render(
        request,
        "shiftlog/mine.html",
        {
            "shifts": shifts,
            "guess": guess,
            "guess_day": guess_day,
            "drafts": annotate(data.drafts),
            "signed": annotate(data.signed),
            "to_countersign": annotate(data.to_countersign),
            "recent": data.recent,
            "items": items,
            "can_unmask": can_unmask(request.user),
            "unmasked": unmasked,
            "policy": services.shiftlog_policy(staff.center),
            "now": now,
        },
    )


@require("page.shiftlog.mine")
@require_POST
def start(request):
    staff = _staff(request)
    try:
        day = parse_day(request.POST.get("shift_date", ""), _("班次日期"), field="shift_date", required=True)
        handover = services.start_handover(
            staff,
            shift_code=request.POST.get("shift_code", ""),
            shift_date=day,
            incoming_no=request.POST.get("incoming_no", "").strip() or None,
            equipment_state=request.POST.get("equipment_state", ""),
            notes=request.POST.get("notes", ""),
        )
    except RuleViolation as exc:
        _fail(request, exc)
        return redirect("shiftlog:mine")
    messages.success(request, _("交班日记已创建：未结事项已自动带入"))
    return redirect("shiftlog:detail", handover.pk)


@require("page.shiftlog.view")
def detail(request, pk: int):
    staff = _staff(request)
    handover = selectors.get_handover(staff.center, pk)
    if handover is None:
        raise Http404(_("交接班日志不存在"))
    try:
        data = present.handover_dict(request, staff, handover, unmask=request.GET.get("unmask") == "1")
    except RuleViolation as exc:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(exc.problems[0].message) from None
    is_out = staff.pk == handover.outgoing_id
    return render(
        request,
        "shiftlog/detail.html",
        {
            "h": _shown(data),
            "is_out": is_out,
            "is_in": staff.pk == handover.incoming_id,
            "is_lead": services.is_lead(staff),
            "me": staff,
            "kinds": Item.Kind.choices,
            "issue_kinds": [(k.value, ISSUE_NAMES[k]) for k in rules.IssueKind],
            "can_unmask": can_unmask(request.user),
            "editable": is_out and handover.state == "draft",
            "now": timezone.now(),
        },
    )


def _post_to_detail(request, pk: int, action, success: str):
    try:
        action(_staff(request))
    except RuleViolation as exc:
        _fail(request, exc)
    else:
        messages.success(request, success)
    return redirect("shiftlog:detail", pk)


@require("page.shiftlog.mine")
@require_POST
def update(request, pk: int):
    p = request.POST
    return _post_to_detail(
        request,
        pk,
        lambda s: services.update_handover(
            s,
            pk,
            version=_int(p.get("version")),
            incoming_no=p.get("incoming_no", "").strip() or None,
            equipment_state=p.get("equipment_state", ""),
            notes=p.get("notes", ""),
        ),
        _("已保存"),
    )


@require("page.shiftlog.mine")
@require_POST
def add_item(request, pk: int):
    p = request.POST

    def act(s):
        order_id = p.get("order_id", "").strip()
        if order_id and not order_id.isdigit():
            raise RuleViolation(_("工单ID应为正整数"), field="order_id", rule="positive")
        services.add_item(
            s,
            pk,
            kind=p.get("kind", ""),
            text=p.get("text", ""),
            order_ref=p.get("order_ref", ""),
            order_id=int(order_id) if order_id else None,
            customer_phone=p.get("customer_phone", "").strip(),
            customer_name=p.get("customer_name", ""),
            due_at=_local_dt(p.get("due_at", "")),
            during_handover=p.get("during_handover") == "on",
        )

    return _post_to_detail(request, pk, act, _("事项已登记"))


@require("page.shiftlog.mine")
@require_POST
def transition(request, pk: int):
    p = request.POST
    labels = {"sign_out": _("已交班签字"), "countersign": _("已接班签字确认"), "return": _("已退回交班人补充")}
    return _post_to_detail(
        request,
        pk,
        lambda s: services.transition(
            s, pk, name=p.get("name", ""), version=_int(p.get("version")), reason=p.get("reason", "")
        ),
        labels.get(p.get("name"), _("已完成")),
    )


@require("page.shiftlog.close")
@require_POST
def close_item(request, item_id: int):
    back = request.POST.get("back", "")
    try:
        services.close_item(_staff(request), item_id, note=request.POST.get("note", ""))
    except RuleViolation as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("事项已关闭"))
    return redirect(back if back.startswith("/shiftlog/") else "shiftlog:mine")


@require("page.shiftlog.view")
@require_POST
def report_issue(request, pk: int):
    p = request.POST
    return _post_to_detail(
        request,
        pk,
        lambda s: services.report_issue(s, pk, kind=p.get("kind", ""), description=p.get("description", "")),
        _("交接责任已登记"),
    )


@require("page.shiftlog.mine")
@require_POST
def dispute_issue(request, pk: int, issue_id: int):
    return _post_to_detail(
        request,
        pk,
        lambda s: services.dispute_issue(
            s, issue_id, reason=request.POST.get("reason", ""), version=_int(request.POST.get("version")) or None
        ),
        _("异议已提交"),
    )


@require("page.shiftlog.supervise")
@require_POST
def decide_issue(request, pk: int, issue_id: int):
    p = request.POST
    return _post_to_detail(
        request,
        pk,
        lambda s: services.decide_issue(
            s, issue_id, upheld=p.get("upheld") == "1", note=p.get("note", ""), version=_int(p.get("version")) or None
        ),
        _("责任已认定"),
    )


@require("page.shiftlog.supervise")
def supervise(request):
    staff = _staff(request)
    now = timezone.now()
    days = max(1, min(_int(request.GET.get("days")) or 14, 92))
    rows = [
        (h, [FLAG_NAMES[f] for f in flags]) for h, flags in selectors.late_or_unsigned(staff.center, now=now, days=days)
    ]
    unmasked = present.wants_unmask(request, request.GET.get("unmask") == "1")
    items = [present.item_dict(i, unmasked) for i in selectors.open_items(staff.center)[:300]]
    present.audit_customers(request, items, unmasked, "交接班督查：未结事项")
    issues = list(selectors.issues(staff.center).filter(status__in=["open", "disputed"])[:200])
    decided = list(selectors.issues(staff.center).exclude(status__in=["open", "disputed"])[:50])
    return render(
        request,
        "shiftlog/supervise.html",
        {
            "rows": rows,
            "items": items,
            "issues": issues,
            "decided": decided,
            "days": days,
            "now": now,
            "can_unmask": can_unmask(request.user),
            "unmasked": unmasked,
            "today": date.today(),
        },
    )
