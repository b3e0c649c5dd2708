"""Quality pages: tasks and scores, the scoring page, calibration, appeals, the per-shift summary."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from kefu.access import allowed, require
from kefu.audit.services import record_read
from kefu.errors import RuleViolation
from kefu.messages import Msg
from kefu.org.models import Staff, Team
from kefu.org.roles import Role, roles_of
from kefu.quality import links, machine, selectors, services
from kefu.quality import shifts as shift_windows
from kefu.quality.models import Appeal, Calibration, Evaluation, SamplingRun, ShiftReport
from kefu.scope import caller
from kefu.web.inputs import parse_day, parse_month
from kefu.workflow import available


def _me(request) -> Staff:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise PermissionDenied(_("当前账号没有员工档案"))
    return staff


def _month(day: date) -> str:
    return date_format(day, pgettext("month format", "Y年m月"))


# The services' fixed messages reachable from these pages, marked so that they read in the user's language;
# a message built with values (an f-string in services.py) stays Chinese.
SERVICE_MESSAGES = (
    gettext_noop("评分表名称不能为空"),
    gettext_noop("随机种子不能为空（抽样需可复现）"),
    gettext_noop("话务模块尚未提供通话记录，无法抽样"),
    gettext_noop("中心没有质检员，无法分配监听任务"),
    gettext_noop("通话流水号不能为空"),
    gettext_noop("请为每个评分项打分"),
    gettext_noop("校准标题不能为空"),
    gettext_noop("校准至少需要两名评分人"),
    gettext_noop("班次尚未结束，结束后才能交班长"),
    gettext_noop("只有该班组的班长可以签收班次质检汇总"),
    gettext_noop("无权执行此操作"),
)


SCORING_MESSAGES = (
    gettext_noop("评分项代码不能为空"),
    gettext_noop("评分项名称不能为空"),
    gettext_noop("分值应为不小于 0 的整数"),
    gettext_noop("非红线项的分值必须大于 0"),
)
# Messages of kefu.quality.scoring built with values, matched so that they read in the user's language.
_PATTERNS = [
    (re.compile(pattern), msgid)
    for pattern, msgid in [
        (
            r"^评分项「(?P<item>.*)」得分应在 0 到 (?P<points>\d+) 分之间$",
            gettext_noop("评分项「%(item)s」得分应在 0 到 %(points)s 分之间"),
        ),
        (r"^评分项「(?P<item>.*)」未评分$", gettext_noop("评分项「%(item)s」未评分")),
        (
            r"^各评分项分值合计应为 (?P<total>\d+) 分（百分制），当前合计 (?P<now>-?\d+) 分$",
            gettext_noop("各评分项分值合计应为 %(total)s 分（百分制），当前合计 %(now)s 分"),
        ),
    ]
]


def shown_message(message) -> str:
    if isinstance(message, Msg):  # a message stated as data renders itself in the reader's language
        return str(message)
    for pattern, msgid in _PATTERNS:
        m = pattern.match(message)
        if m:
            values = m.groupdict()
            if "item" in values:
                values["item"] = _(values["item"])  # a preset item's wording, as the form shows it
            return _(msgid) % values
    return _(message)


def _errors(exc: RuleViolation) -> list[dict]:
    return [{**p.as_dict(), "message": shown_message(p.message)} for p in exc.problems]


def _text(exc: RuleViolation) -> str:
    return _("；").join(shown_message(p.message) for p in exc.problems)


def phrase_hits(text: str) -> list:
    """Hits of the knowledge app's phrase checker, when it is installed."""
    if not text:
        return []
    try:
        from kefu.knowledge.phrases import check
    except ImportError:
        return []
    try:
        return list(check(text))
    except Exception:  # a checker problem must not block scoring
        return []


@require("page.quality.tasks")
def tasks(request):
    me = _me(request)
    roles = roles_of(request.user)
    qs = selectors.visible_evaluations(me)
    state = request.GET.get("state", "")
    if state in machine.STATES:
        qs = qs.filter(state=state)
    mine_only = request.GET.get("mine") == "1" or (roles & {Role.QA, Role.EDITOR} and "mine" not in request.GET)
    if mine_only and roles & {Role.QA, Role.EDITOR, Role.TEAM_LEAD}:
        qs = qs.filter(inspector=me)
    # To-do first (待评分, then 申诉中), then the newest scores.
    order = Case(
        When(state=machine.ASSIGNED, then=Value(0)), When(state=machine.APPEALED, then=Value(1)), default=Value(2)
    )
    rows = list(
        qs.exclude(source=Evaluation.Source.CALIBRATION).order_by(order, F("scored_at").desc(nulls_last=True), "-id")[
            :300
        ]
    )
    runs = SamplingRun.objects.filter(center=me.center).order_by("-month")[:6]
    today = timezone.localdate()
    is_agent = bool(roles & {Role.AGENT, Role.SENIOR_AGENT}) and not roles & {Role.QA, Role.TEAM_LEAD}
    coverage = selectors.monthly_coverage(me.center, today)
    if is_agent:
        coverage = [c for c in coverage if c["agent_staff_no"] == me.staff_no]
    elif Role.TEAM_LEAD in roles and not roles & {Role.QA, Role.EDITOR, Role.SUPERVISOR, Role.MANAGER}:
        team_nos = set(Staff.objects.filter(team__lead=me).values_list("staff_no", flat=True))
        coverage = [c for c in coverage if c["agent_staff_no"] in team_nos]
    return render(
        request,
        "quality/tasks.html",
        {
            "rows": rows,
            "state": state,
            "states": {k: str(machine.MACHINE.state_label(k)) for k in machine.STATES},
            "runs": runs,
            "mine": mine_only,
            "can_sample": allowed(request.user, "quality.create_month_tasks"),
            "last_month": (today.replace(day=1) - timedelta(days=1)).strftime(
                "%Y-%m"
            ),  # sample a month whose calls exist
            "is_agent": is_agent,
            "coverage": coverage,
            "month": today,
        },
    )


@require("quality.create_month_tasks")
def sample(request):
    if request.method != "POST":
        return redirect("quality:tasks")
    me = _me(request)
    try:
        month_day = parse_month(request.POST.get("month", ""), _("月份"), field="month", required=True)
    except RuleViolation as exc:
        messages.error(request, _text(exc))
        return redirect("quality:tasks")
    try:
        run, created = services.create_month_tasks(me.center, month_day, seed=request.POST.get("seed", ""), actor=me)
    except RuleViolation as exc:
        messages.error(request, _text(exc))
        return redirect("quality:tasks")
    if created:
        messages.success(
            request,
            _("已生成 %(month)s 监听任务 %(count)s 条（每人 %(per_agent)s 条）")
            % {"month": _month(run.month), "count": run.evaluations.count(), "per_agent": run.per_agent},
        )
    else:
        messages.info(
            request, _("%(month)s 已抽样（种子 %(seed)s），未重复生成") % {"month": _month(run.month), "seed": run.seed}
        )
    return redirect("quality:tasks")


def _marks_from_post(post, card) -> dict:
    marks = {}
    for item in card.items.all():
        if item.is_critical:
            marks[item.key] = {
                "awarded": 0,
                "failed": post.get(f"failed_{item.key}") == "on",
                "comment": post.get(f"comment_{item.key}", ""),
            }
        else:
            marks[item.key] = {
                "awarded": post.get(f"awarded_{item.key}", ""),
                "comment": post.get(f"comment_{item.key}", ""),
            }
    return marks


def _version(raw) -> int | None:
    """The evaluation's version the form was drawn from (a stale form is refused), when the form sent one."""
    return int(raw) if raw and str(raw).isdigit() else None


ACTION_RULES = {
    "score": "quality.score",
    "acknowledge": "quality.acknowledge",
    "appeal": "quality.appeal",
    "uphold": "quality.decide_appeal",
    "revise": "quality.decide_appeal",
}


@require("quality.get_evaluation")
def evaluation(request, pk: int):
    me = _me(request)
    ev = get_object_or_404(
        Evaluation.objects.select_related("agent", "inspector", "scorecard", "team", "calibration"),
        pk=pk,
        center=me.center,
    )
    if not selectors.may_see(me, ev):
        raise Http404
    errors, posted = [], None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTION_RULES or not allowed(request.user, ACTION_RULES[action]):
            raise PermissionDenied(_("当前角色无权执行此操作"))
        fields = {}
        if action in ("score", "revise"):
            fields["marks"] = posted = _marks_from_post(request.POST, ev.scorecard)
        if action == "score":
            fields["notes"] = request.POST.get("notes", "")
        if action == "appeal":
            fields["reason"] = request.POST.get("reason", "")
        if action in ("uphold", "revise"):
            fields["decision_note"] = request.POST.get("decision_note", "")
        try:
            services.transition(ev, name=action, actor=me, version=_version(request.POST.get("version")), **fields)
        except RuleViolation as exc:
            errors = _errors(exc)
        else:
            label = machine.MACHINE.transition_label(machine.MACHINE.get(action))
            messages.success(request, _("已%(action)s") % {"action": label})
            if ev.calibration_id and action == "score":
                return redirect("quality:calibration", pk=ev.calibration_id)
            return redirect("quality:evaluation", pk=ev.pk)
    call = links.call(ev.call_ref) or links.call_by_id(me.center, ev.call_id)
    extras = links.call_extras(call.pk) if call is not None else {}
    order = links.order_for(ev.order_ref, ev.call_id)
    if extras.get("transcript"):
        record_read(request, object_type="telephony.call", ids=[call.pk], fields="transcript")
    if order is not None:
        record_read(request, object_type="tickets.order", ids=[order.pk], fields="number,subject")
    marks = {m.item_id: m for m in ev.marks.all()}
    items = []
    for item in ev.scorecard.items.all():
        mark = marks.get(item.id)
        value = posted.get(item.key, {}) if posted else None
        items.append(
            {
                "item": item,
                "mark": mark,
                "value": (value.get("awarded") if value else (mark.awarded if mark else item.points)),
                "failed": (value.get("failed") if value else (mark.failed if mark else False)),
                "comment": (value.get("comment") if value else (mark.comment if mark else "")),
            }
        )
    actions = [
        t.name for t in available(machine.MACHINE, caller(request), ev) if allowed(request.user, ACTION_RULES[t.name])
    ]
    hits = phrase_hits(extras.get("transcript", "")) + phrase_hits(ev.notes)
    appeal = Appeal.objects.filter(evaluation=ev).select_related("decided_by").first()
    return render(
        request,
        "quality/evaluation.html",
        {
            "ev": ev,
            "items": items,
            "actions": actions,
            "editable": "score" in actions or "revise" in actions,
            "errors": errors,
            "call": call,
            "extras": extras,
            "order": order,
            "hits": hits,
            "appeal": appeal,
            "history": ev.history.select_related("actor"),
            "notes": request.POST.get("notes", ev.notes) if request.method == "POST" else ev.notes,
            "reason": request.POST.get("reason", ""),
            "decision_note": request.POST.get("decision_note", ""),
            "appeal_days": services.policy(me.center)["appeal_days"],
        },
    )


def _items_from_post(post) -> list[dict]:
    items = []
    for i in range(int(post.get("rows", "0") or 0)):
        key, label = post.get(f"key_{i}", "").strip(), post.get(f"label_{i}", "").strip()
        if not key and not label:
            continue  # an empty spare row
        raw = post.get(f"points_{i}", "").strip()
        items.append(
            {
                "key": key,
                "label": label,
                "section": post.get(f"section_{i}", "").strip(),
                "points": int(raw) if raw.lstrip("-").isdigit() else raw,
                "critical": post.get(f"critical_{i}") == "on",
                "seed": post.get(f"seed_{i}", "").strip(),
            }
        )
    return items


@require("quality.list_scorecards")
def scorecard(request):
    """The form (visible to agents, 004:L1535); QA and team leads publish a new version here."""
    me = _me(request)
    card = services.active_scorecard(me.center)
    errors, rows = [], None
    can_edit = allowed(request.user, "quality.publish_scorecard")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("当前角色无权修改评分表"))
        rows = _items_from_post(request.POST)
        try:
            new = services.publish_scorecard(
                me.center, code=card.code, name=request.POST.get("name", ""), items=rows, actor=me
            )
        except RuleViolation as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request,
                _("已发布 %(name)s v%(version)s；已评分的记录仍按原版本保存")
                % {"name": _(new.name), "version": new.version},
            )
            return redirect("quality:scorecard")
    sections = {}
    for item in card.items.all():
        sections.setdefault(item.section or _("评分项"), []).append(item)
    if rows is None:
        rows = [
            {
                "key": i.key,
                "label": i.label,
                "section": i.section,
                "points": i.points,
                "critical": i.is_critical,
                "seed": i.seed,
            }
            for i in card.items.all()
        ]
    rows = rows + [
        {"key": "", "label": "", "section": "", "points": "", "critical": False, "seed": ""} for _ in range(3)
    ]
    from kefu.quality.models import Scorecard

    return render(
        request,
        "quality/scorecard.html",
        {
            "card": card,
            "sections": sections,
            "total": sum(i.points for i in card.items.all()),
            "can_edit": can_edit,
            "rows": rows,
            "errors": errors,
            "name": request.POST.get("name", card.name),
            "versions": Scorecard.objects.filter(center=me.center, code=card.code).order_by("-version"),
        },
    )


@require("quality.get_calibration")
def calibrations(request):
    me = _me(request)
    errors = []
    if request.method == "POST":
        if not allowed(request.user, "quality.create_calibration"):
            raise PermissionDenied(_("当前角色无权发起校准"))
        try:
            agent = Staff.objects.filter(
                center=me.center, staff_no=request.POST.get("agent_staff_no", "").strip()
            ).first()
            if agent is None:
                raise RuleViolation(_("被监听人工号不存在"), field="agent_staff_no", rule="not_found")
            nos = request.POST.getlist("inspectors")
            inspectors = list(Staff.objects.filter(center=me.center, staff_no__in=nos))
            call_id = request.POST.get("call_id", "").strip()
            call = links.call_by_id(me.center, call_id)
            cal = services.create_calibration(
                me.center,
                title=request.POST.get("title", ""),
                agent=agent,
                inspectors=inspectors,
                actor=me,
                call={
                    "call_id": call_id,
                    "ref": call.pk if call else None,
                    "call_type": getattr(call, "call_type", ""),
                    "offered_at": getattr(call, "offered_at", None),
                    "talk_seconds": int(call.talk_seconds) if call else None,
                },
            )
        except RuleViolation as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已发起校准，等待各评分人评分"))
            return redirect("quality:calibration", pk=cal.pk)
    rows = []
    for cal in Calibration.objects.filter(center=me.center).select_related("agent")[:50]:
        report = selectors.calibration_report(cal)
        rows.append({"cal": cal, "report": report})
    candidates = Staff.objects.filter(
        center=me.center,
        is_active=True,
        user__groups__name__in=[Role.QA.value, Role.EDITOR.value, Role.TEAM_LEAD.value],
    ).distinct()
    return render(
        request,
        "quality/calibrations.html",
        {
            "rows": rows,
            "errors": errors,
            "candidates": candidates,
            "post": request.POST,
            "can_create": allowed(request.user, "quality.create_calibration"),
        },
    )


@require("quality.get_calibration")
def calibration(request, pk: int):
    me = _me(request)
    cal = get_object_or_404(Calibration.objects.select_related("agent", "scorecard"), pk=pk, center=me.center)
    report = selectors.calibration_report(cal)
    my_sheet = next((e for e in report["sheets"] if e.inspector_id == me.pk and e.state == machine.ASSIGNED), None)
    return render(request, "quality/calibration.html", {"cal": cal, "report": report, "my_sheet": my_sheet})


@require("page.quality.appeals")
def appeals(request):
    me = _me(request)
    pending = (
        Evaluation.objects.filter(center=me.center, state=machine.APPEALED)
        .select_related("agent", "inspector", "appeal")
        .order_by("appeal__filed_at")
    )
    scope = caller(request)
    pending = [e for e in pending if machine.lead_may_decide(e, scope)]
    decided = (
        Appeal.objects.filter(evaluation__center=me.center, decided_by=me)
        .select_related("evaluation__agent")
        .order_by("-decided_at")[:30]
    )
    return render(request, "quality/appeals.html", {"pending": pending, "decided": decided})


@require("quality.shift_summary")
def shift(request):
    me = _me(request)
    teams = list(Team.objects.filter(center=me.center).order_by("code"))
    shifts = selectors.shift_names(me.center)
    lead_team = next((t for t in teams if t.lead_id == me.pk), None)
    try:
        team = (
            next(t for t in teams if str(t.pk) == request.GET.get("team", ""))
            if request.GET.get("team")
            else (lead_team or (teams[0] if teams else None))
        )
    except StopIteration:
        raise Http404
    day = parse_day(request.GET.get("date"), _("日期"), field="date") or timezone.localdate()  # a bad date: 400 page
    code = request.GET.get("shift") or shifts[0]["code"]
    errors = []
    if request.method == "POST":
        if not allowed(request.user, "quality.deliver_shift_report"):
            raise PermissionDenied(_("当前角色无权交班次质检汇总"))
        try:
            services.deliver_shift_report(me.center, team=team, shift_date=day, shift_code=code, actor=me)
        except RuleViolation as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("已将 %(team)s %(day)s 班次质检汇总交给班长") % {"team": team.name, "day": day})
            return redirect(f"{request.path}?team={team.pk}&date={day}&shift={code}")
    summary = None
    stored = ShiftReport.objects.filter(team=team, shift_date=day, shift_code=code).first() if team else None
    former = (
        shift_windows.former_shift(code, stored.summary)
        if stored is not None and all(s["code"] != code for s in shifts)
        else None
    )
    if former is not None:  # delivered before the shift calendar: shown as it was delivered, under its old name
        shifts = [*shifts, former]
        summary = dict(stored.summary)
    elif team is not None:
        try:
            summary = selectors.shift_summary(me.center, team, day, code)
        except RuleViolation as exc:
            errors = _errors(exc)
    if summary:
        # The chart's axis shows the items as the scorecard page does (a preset label reads in English).
        summary["weak_items"] = [{**w, "label": _(w["label"])} for w in summary["weak_items"]]
    received = ShiftReport.objects.filter(center=me.center, lead=me).select_related("team", "inspector")[:30]
    return render(
        request,
        "quality/shift.html",
        {
            "teams": teams,
            "team": team,
            "day": day,
            "code": code,
            "shifts": shifts,
            "summary": summary,
            "errors": errors,
            "received": received,
            "can_deliver": former is None and allowed(request.user, "quality.deliver_shift_report"),
            "report": stored,
        },
    )


@require("quality.read_shift_report")
def read_report(request, pk: int):
    me = _me(request)
    report = get_object_or_404(ShiftReport, pk=pk, center=me.center)
    if request.method == "POST":
        try:
            services.mark_report_read(report, me)
        except RuleViolation as exc:
            messages.error(request, _text(exc))
        else:
            messages.success(request, _("已签收"))
    return redirect(f"/quality/shift/?team={report.team_id}&date={report.shift_date}&shift={report.shift_code}")
