"""Pages: my record, the team lead's month, HR and the manager's decisions, the department's fund ledger.

Views parse the form and call the services; a refusal is shown beside the page as the service's message."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.access import allowed, require
from kefu.errors import RuleViolation
from kefu.messages import Msg
from kefu.scope import caller
from kefu.web.inputs import parse_month
from kefu.workflow import available

from . import machine, services
from .models import AppraisalMonth, DismissalProposal, FundPublication, Reward
from .present import appraisal_out, proposal_out, reward_out, violation_out


def _month(request, *, closing: bool = False) -> date:
    """The month asked for; by default this month, or last month on the page that closes a month."""
    raw = request.GET.get("month") or request.POST.get("month")
    this = timezone.localdate().replace(day=1)
    default = (this - timedelta(days=1)).replace(day=1) if closing else this
    return parse_month(raw, _("月份"), field="month") or default


def _back(request, name: str, month: date):
    return redirect(f"{reverse(name)}?month={month:%Y-%m}")


def _refused(request, exc: RuleViolation) -> None:
    for p in exc.problems:
        messages.error(request, str(p.message))


def _actions(scope, v) -> list[dict]:
    return [
        {
            "name": t.name,
            "label": str(machine.VIOLATION.transition_label(t)),
            "needs": [f for f in t.requires],
            "allows": list(t.allows),
        }
        for t in available(machine.VIOLATION, scope, v)
    ]


def _types(scope) -> list[tuple[str, str]]:
    return [(code, str(Msg(spec["label"]))) for code, spec in services.policy(scope.center)["types"].items()]


@require("page.discipline.mine")
def mine(request):
    scope = caller(request)
    month = _month(request)
    record = services.my_record(scope, month)
    rows = services.month_violations(scope, month=month, staff_no=scope.staff.staff_no)
    by_id = {v.pk: v for v in rows}
    for v in record["violations"]:
        v["actions"] = _actions(scope, by_id[v["id"]]) if v["id"] in by_id else []
    fines = sum(
        (Decimal(v["sanction"].get("fine", "0")) for v in record["violations"] if v["state"] != machine.VOIDED),
        Decimal(0),
    )
    return render(request, "discipline/mine.html", {"month": month, "record": record, "fines": fines})


@require("page.discipline.team")
def team(request):
    scope = caller(request)
    month = _month(request)
    rows = services.month_violations(scope, month=month)
    shown = []
    for v in rows:
        out = violation_out(v)
        out["actions"] = _actions(scope, v)
        shown.append(out)
    rewards = [reward_out(r) for r in Reward.objects.filter(center=scope.center, month=month).select_related("staff")]
    rewards_spec = [
        (code, str(Msg(spec["label"])), spec.get("amount"))
        for code, spec in services.policy(scope.center)["rewards"].items()
    ]
    return render(
        request,
        "discipline/team.html",
        {
            "month": month,
            "violations": shown,
            "types": _types(scope),
            "rewards": rewards,
            "reward_types": rewards_spec,
            "today": timezone.localdate(),
            "may_record": allowed(request.user, "discipline.record"),
            "may_reward": allowed(request.user, "discipline.propose_reward"),
        },
    )


@require("page.discipline.decide")
def decide(request):
    scope = caller(request)
    month = _month(request, closing=True)
    period = AppraisalMonth.objects.filter(center=scope.center, month=month).first()
    rows = (
        [appraisal_out(a) for a in period.rows.select_related("staff", "period__center").order_by("staff__staff_no")]
        if period
        else []
    )
    proposals = []
    for p in scope.filter(DismissalProposal.objects.select_related("staff")).exclude(state__in=("withdrawn",))[:200]:
        out = proposal_out(p)
        out["actions"] = [
            {"name": t.name, "label": str(machine.PROPOSAL.transition_label(t))}
            for t in available(machine.PROPOSAL, scope, p)
        ]
        proposals.append(out)
    escalated = [
        violation_out(v) | {"actions": _actions(scope, v)}
        for v in scope.filter(services.Violation.objects.filter(state=machine.ESCALATED)).select_related(
            "staff", "center"
        )[:200]
    ]
    pending_rewards = [
        reward_out(r) for r in scope.filter(Reward.objects.filter(state="proposed")).select_related("staff")
    ]
    pending_spending = [
        services.fund_row(e) | {"department": e.department.name if e.department else ""}
        for e in scope.filter(services.FundEntry.objects.filter(kind="spending", state="submitted")).select_related(
            "department", "entered_by", "approved_by", "center"
        )
    ]
    return render(
        request,
        "discipline/decide.html",
        {
            "month": month,
            "period": period,
            "rows": rows,
            "proposals": proposals,
            "escalated": escalated,
            "pending_rewards": pending_rewards,
            "pending_spending": pending_spending,
            "is_manager": allowed(request.user, "discipline.finalise_month"),
            "total_bonus": sum(r["bonus"] for r in rows),
        },
    )


@require("page.discipline.fund")
def fund(request):
    scope = caller(request)
    month = _month(request)
    department = scope.staff.department
    may_see_all = allowed(request.user, "discipline.fund")
    published = (
        FundPublication.objects.filter(center=scope.center, department=department, month=month)
        .order_by("-published_at")
        .first()
    )
    ledger = services.fund_rows(scope, department.pk if department else None, month=month) if may_see_all else None
    published_rows = services.published_rows(published) if published else []
    if request.GET.get("format") == "xlsx" and (ledger or published):
        return _fund_xlsx(month, department, ledger["rows"] if ledger else published_rows)
    return render(
        request,
        "discipline/fund.html",
        {
            "month": month,
            "department": department,
            "ledger": ledger,
            "published": published,
            "published_rows": published_rows,
            "may_spend": allowed(request.user, "discipline.enter_spending"),
            "may_publish": allowed(request.user, "discipline.publish_fund"),
            "today": timezone.localdate(),
        },
    )


def _fund_xlsx(month, department, rows) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = f"{month:%Y-%m}"
    ws.append([_("日期"), _("类型"), _("摘要"), _("金额"), _("状态"), _("余额")])
    kinds = {"fine": _("罚款"), "reversal": _("冲销"), "spending": _("支出")}
    for r in rows:
        ws.append(
            [
                str(r["on"]),
                kinds.get(r["kind"], r["kind"]),
                r["text"],
                float(r["amount"]),
                str(Msg(f"discipline.fund.state.{r['state']}")),
                float(r["balance"]),
            ]
        )
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="fund-{month:%Y-%m}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------- actions


@require_POST
@require("page.discipline.mine")
def fire_violation(request, pk: int):
    scope = caller(request)
    month = _month(request)
    fields = {k: request.POST[k] for k in ("reason", "note") if request.POST.get(k, "").strip()}
    try:
        services.transition(
            scope, pk, name=request.POST.get("name", ""), version=request.POST.get("version") or None, **fields
        )
        messages.success(request, _("已处理"))
    except RuleViolation as exc:
        _refused(request, exc)
    return _back(request, request.POST.get("back") or "discipline:mine", month)


@require_POST
@require("page.discipline.team")
def record(request):
    scope = caller(request)
    month = _month(request)
    try:
        v = services.record_violation(
            scope,
            staff_no=request.POST.get("staff_no", ""),
            type_code=request.POST.get("type_code", ""),
            occurred_on=request.POST.get("occurred_on", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(
            request,
            str(
                Msg(
                    "discipline.recorded",
                    type=Msg(services.policy(scope.center)["types"][v.type_code]["label"]),
                    sanction=services.sanction_text(v.sanction),
                )
            ),
        )
    except RuleViolation as exc:
        _refused(request, exc)
    return _back(request, "discipline:team", month)


@require_POST
@require("page.discipline.team")
def evidence(request):
    scope = caller(request)
    month = _month(request)
    try:
        counts = services.record_from_evidence(scope, month)
        messages.success(request, _("已从考勤、质检和工单记录新增 %(n)s 条违规") % {"n": sum(counts.values())})
    except RuleViolation as exc:
        _refused(request, exc)
    return _back(request, "discipline:team", month)


@require_POST
@require("page.discipline.team")
def propose_reward(request):
    scope = caller(request)
    month = _month(request)
    try:
        services.propose_reward(
            scope,
            staff_no=request.POST.get("staff_no", ""),
            type_code=request.POST.get("type_code", ""),
            month=month,
            reason=request.POST.get("reason", ""),
            amount=request.POST.get("amount") or None,
        )
        messages.success(request, _("已提出奖励，待中心经理审批"))
    except RuleViolation as exc:
        _refused(request, exc)
    return _back(request, "discipline:team", month)


@require_POST
@require("page.discipline.decide")
def decide_action(request, kind: str, pk: int):
    scope = caller(request)
    month = _month(request)
    approve = request.POST.get("approve") == "1"
    try:
        if kind == "reward":
            services.decide_reward(scope, pk, approve=approve)
        elif kind == "spending":
            services.decide_spending(scope, pk, approve=approve)
        elif kind == "proposal":
            fields = {"note": request.POST["note"]} if request.POST.get("note", "").strip() else {}
            services.decide_proposal(scope, pk, name=request.POST.get("name", ""), **fields)
        messages.success(request, _("已处理"))
    except RuleViolation as exc:
        _refused(request, exc)
    return _back(request, "discipline:decide", month)


@require_POST
@require("page.discipline.decide")
def month_action(request, action: str):
    scope = caller(request)
    month = _month(request)
    try:
        if action == "compute":
            services.compute_month(scope, month)
        elif action in ("final", "reopen"):
            if not allowed(request.user, "discipline.finalise_month"):
                raise RuleViolation.of("common.not_allowed", status=403)
            (services.finalise_month if action == "final" else services.reopen_month)(scope, month)
        messages.success(request, _("已处理"))
    except RuleViolation as exc:
        _refused(request, exc)
    return _back(request, "discipline:decide", month)


@require("page.discipline.decide")
def payroll(request):
    scope = caller(request)
    month = _month(request)
    try:
        data = services.payroll_sheet(scope, month)
    except RuleViolation as exc:
        _refused(request, exc)
        return _back(request, "discipline:decide", month)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="payroll-{month:%Y-%m}.xlsx"'
    return response


@require_POST
@require("page.discipline.fund")
def spend(request):
    scope = caller(request)
    month = _month(request)
    try:
        if not allowed(request.user, "discipline.enter_spending"):
            raise RuleViolation.of("common.not_allowed", status=403)
        services.enter_spending(
            scope,
            department_id=scope.staff.department_id,
            amount=request.POST.get("amount", ""),
            purpose=request.POST.get("purpose", ""),
            spent_on=request.POST.get("spent_on", ""),
        )
        messages.success(request, _("已录入支出，待审批"))
    except RuleViolation as exc:
        _refused(request, exc)
    return _back(request, "discipline:fund", month)


@require_POST
@require("page.discipline.fund")
def publish(request):
    scope = caller(request)
    month = _month(request)
    try:
        if not allowed(request.user, "discipline.publish_fund"):
            raise RuleViolation.of("common.not_allowed", status=403)
        services.publish_fund(scope, scope.staff.department_id, month=month)
        messages.success(request, _("已向本部门公布"))
    except RuleViolation as exc:
        _refused(request, exc)
    return _back(request, "discipline:fund", month)


# ------------------------------------------------------------------- the group's work rules and phrase standards


def _scheme_rows(scope, team, overrides: dict) -> list[dict]:
    """The group's own reward-and-penalty scheme as its members read it: each type or reward the group changed."""
    effective = services.policy(scope.center, team.pk)
    rows = []
    for code in overrides.get("types", {}):
        spec = effective["types"].get(code, {})
        steps = spec.get("ladder", {}).get("steps", [])
        rows.append(
            {"label": str(Msg(spec.get("label", code))), "steps": [services.sanction_text(step) for step in steps]}
        )
    for code in overrides.get("rewards", {}):
        spec = effective["rewards"].get(code, {})
        rows.append({"label": str(Msg(spec.get("label", code))), "amount": spec.get("amount")})
    return rows


@require("page.discipline.group")
def group(request):
    """The group's work rules, phrase standards and reward-and-penalty scheme (004:L913): read by its members, edited
    by its team lead."""
    scope = caller(request)
    raw = request.GET.get("team", "").strip()
    if raw and not raw.isdigit():
        raise RuleViolation.of("discipline.standards.bad_team", field="team", value=raw[:20])
    return _group_page(request, scope, int(raw) if raw else None)


def _group_page(request, scope, team_id: int | None, *, posted: dict | None = None, status: int = 200):
    """The page; after a refused save, the lead's form keeps what they typed (`posted`)."""
    from kefu.knowledge.standard_phrases import SITUATIONS
    from kefu.org.models import Team

    data = services.team_standards(scope, team_id)
    teams = (
        list(Team.objects.filter(center=scope.center).order_by("code"))
        if allowed(request.user, "discipline.team_rules")
        else []
    )
    situations = [(code, _(label)) for code, label in SITUATIONS.items()]
    if data is not None:
        data["scheme_rows"] = _scheme_rows(scope, data["team"], data["scheme"])
        kinds = {"work_rules": _("班组规章制度"), "phrases": _("班组用语规范")}
        data["history"] = sorted(
            (
                {
                    "kind_label": kinds[kind],
                    "version": c.version,
                    "by": c.by.label if c.by else "",
                    "at": c.at,
                    "before": _summary(kind, c.before),
                    "after": _summary(kind, c.after),
                }
                for kind in kinds
                for c in data[kind]["changes"]
            ),
            key=lambda r: r["at"],
            reverse=True,
        )
        labels = dict(situations)
        for row in data["phrases"]["content"].get("standard", []):
            row["situation_label"] = labels.get(row["situation"], row["situation"])
        if data["may_edit"]:
            posted = {
                key: [r for r in rows if any((v or "").strip() for k, v in r.items() if k != "situation")]
                for key, rows in (posted or {}).items()
            }
            work = posted.get("sections", data["work_rules"]["content"].get("sections", []))
            phrases_ = data["phrases"]["content"]
            data["edit_sections"] = work + [{"title": "", "text": ""}] * 2
            data["edit_standard"] = (
                posted.get("standard", phrases_.get("standard", []))
                + [{"situation": "welcome", "title": "", "text": ""}] * 2
            )
            data["edit_discouraged"] = (
                posted.get("discouraged", phrases_.get("discouraged", [])) + [{"phrase": "", "suggestion": ""}] * 3
            )
    return render(
        request, "discipline/group.html", {"data": data, "teams": teams, "situations": situations}, status=status
    )


def _summary(kind: str, content: dict) -> str:
    """A version's content in one line, for the change history: the section titles, or the phrases added."""
    if not content:
        return "—"
    sep = ", " if (translation.get_language() or "").startswith("en") else "、"
    if kind == "work_rules":
        titles = [s["title"] for s in content.get("sections", [])]
        return _("%(n)s 个条目：%(titles)s") % {"n": len(titles), "titles": sep.join(titles) or "—"}
    words = [d["phrase"] for d in content.get("discouraged", [])]
    return _("标准用语 %(n)s 条；忌用语：%(words)s") % {
        "n": len(content.get("standard", [])),
        "words": sep.join(words) or "—",
    }


def _posted_rows(request, *names: str) -> list[dict]:
    columns = [request.POST.getlist(name) for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=False)]


@require_POST
@require("page.discipline.group")
def group_save(request, team_id: int, kind: str):
    scope = caller(request)
    posted = {}
    try:
        if kind == "work_rules":
            posted = {"sections": _posted_rows(request, "title", "text")}
            services.set_work_rules(scope, team_id, sections=posted["sections"], version=request.POST.get("version"))
        elif kind == "phrases":
            posted = {
                "standard": _posted_rows(request, "situation", "title", "text"),
                "discouraged": _posted_rows(request, "phrase", "suggestion"),
            }
            services.set_phrase_standards(
                scope,
                team_id,
                standard=posted["standard"],
                discouraged=posted["discouraged"],
                version=request.POST.get("version"),
            )
        else:
            raise RuleViolation.of("discipline.standards.bad_kind", field="kind", value=kind[:20])
    except RuleViolation as exc:
        _refused(request, exc)
        if exc.status == 400:  # the lead's own input: shown again beside the message, nothing saved
            return _group_page(request, scope, team_id, posted=posted, status=400)
        return redirect(f"{reverse('discipline:group')}?team={team_id}")
    messages.success(request, _("已保存，班组成员即可查看"))
    return redirect(f"{reverse('discipline:group')}?team={team_id}")
