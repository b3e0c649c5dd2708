"""外呼活动 pages: the campaigns (leads create one), a campaign (leads: the call list, upload, selection, offer grants,
progress; agents: the next customer), the agent's page for one customer (questionnaire, outcome, the offer when
authorised) and the periodic report (page and Excel). Also the helpers the API presents campaigns with."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.audit.models import AuditRecord
from kefu.audit.services import can_unmask, record_read, shown_name, shown_phone
from kefu.errors import RuleViolation
from kefu.followup import campaign_rules as cr
from kefu.followup import campaigns, present, rules
from kefu.followup.models import Campaign, CampaignTarget
from kefu.messages import render as render_msg
from kefu.org.policy import policy_for
from kefu.scope import caller
from kefu.tickets.models import Order
from kefu.web.context import ROLE_NAMES
from kefu.web.inputs import parse_day
from kefu.workflow import available


def campaign_dict(scope, c: Campaign) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "purpose": c.purpose,
        "state": c.state,
        "state_label": render_msg(f"followup.campaign.state.{c.state}"),
        "questionnaire": c.questionnaire,
        "offer_text": c.offer_text if campaigns.may_see_offer(scope, c) else None,
    }


def call_dict(scope, t: CampaignTarget, unmasked: bool, *, full: bool = False) -> dict:
    row = {
        "id": t.pk,
        "version": t.version,
        "campaign_id": t.campaign_id,
        "state": t.state,
        "state_label": str(campaigns.MACHINE.state_label(t.state)),
        "customer_id": t.customer_id,
        "customer_phone": shown_phone(t.customer.phone, unmasked),
        "customer_name": shown_name(t.customer.name, unmasked),
        "holder_no": t.holder.staff_no if t.holder_id else "",
        "attempt_count": t.attempt_count,
        "reached_at": t.reached_at,
        "closed_at": t.closed_at,
        "closure_label": render_msg(f"followup.closure.{t.closure}") if t.closure else "",
        "answers": t.answers,
        "result": t.result,
        "offer_accepted": t.offer_accepted,
        "note": t.note,
        "offer_text": t.campaign.offer_text if campaigns.may_see_offer(scope, t.campaign) else None,
    }
    if full:
        row["attempts"] = [
            {
                "at": a.at,
                "staff_no": a.by.staff_no,
                "outcome": a.outcome,
                "outcome_label": render_msg(f"followup.outcome.{a.outcome}"),
                "note": a.note,
            }
            for a in t.attempts.select_related("by")
        ]
        row["actions"] = [x.name for x in available(campaigns.MACHINE, scope, t)]
    return row


def audit(request, targets, unmasked: bool, note: str, channel=AuditRecord.Channel.PAGE) -> None:
    """Every view of a call list (or one customer of it) is recorded; an unmasked one says so."""
    ids = [t.customer_id for t in targets]
    if ids:
        record_read(
            request,
            object_type="customers.customer",
            ids=ids,
            fields="phone,name" + ("" if unmasked else "(masked)"),
            channel=channel,
            note=note[:300],
        )


def report_span(campaign: Campaign, start: date | None, end: date | None) -> tuple[date, date]:
    today = timezone.localdate()
    first = start or timezone.localtime(campaign.created_at).date()
    return first, end or today


def _progress_rows(p: cr.Progress) -> list[tuple]:
    return [
        (key, render_msg(f"followup.campaign.col.{key}"), getattr(p, key), p.percent(getattr(p, key)))
        for key in ("called", "reached", "completed", "refused")
    ]


@require("page.followup.campaigns")
def campaign_list(request):
    scope = caller(request)
    is_lead = scope.has(*campaigns.LEADS)
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        campaigns.require_lead(scope)
        form = {k: request.POST.get(k, "") for k in ("name", "purpose", "questionnaire", "offer_text")}
        form["offer_roles"] = request.POST.getlist("offer_roles")
        try:
            c = campaigns.create(scope, form)
        except RuleViolation as exc:
            for p in exc.problems:
                messages.error(request, p.message)
            errors, status = {p.field: str(p.message) for p in exc.problems}, exc.status
        else:
            messages.success(request, _("已创建外呼活动"))
            return redirect("followup:campaign", pk=c.pk)
    qs = scope.filter(Campaign.objects.all())
    if not is_lead:
        qs = qs.filter(state=Campaign.State.RUNNING)
    rows = [
        {"c": c, "state_label": render_msg(f"followup.campaign.state.{c.state}"), "progress": campaigns.progress(c)}
        for c in qs[:100]
    ]
    return render(
        request,
        "followup/campaigns.html",
        {
            "rows": rows,
            "is_lead": is_lead,
            "form": form,
            "errors": errors,
            "roles": [(str(r), str(ROLE_NAMES[r])) for r in campaigns.OFFER_ROLE_CHOICES],
        },
        status=status,
    )


@require("page.followup.campaigns")
def campaign(request, pk: int, status: int = 200):
    scope = caller(request)
    c = campaigns.get(scope, pk)
    is_lead = scope.has(*campaigns.LEADS)
    ctx = {
        "c": campaign_dict(scope, c),
        "is_lead": is_lead,
        "progress": _progress_rows(campaigns.progress(c)),
        "total": campaigns.progress(c).total,
        "running": c.state == Campaign.State.RUNNING,
    }
    if is_lead:
        unmasked = present.wants_unmask(request, request.GET.get("unmask") == "1")
        targets = list(c.targets.select_related("customer", "holder", "campaign")[:500])
        audit(request, targets, unmasked, f"外呼名单 {c.name}")
        ctx.update(
            {
                "targets": [call_dict(scope, t, unmasked) for t in targets],
                "unmasked": unmasked,
                "can_unmask": can_unmask(request.user),
                "granted": [s.staff_no for s in c.offer_staff.all()],
                "offer_roles": [str(ROLE_NAMES.get(r, r)) for r in c.offer_roles],
                "kinds": [(k, render_msg(f"followup.campaign.customer_kind.{k}")) for k in campaigns.SELECT_KINDS],
                "order_kinds": [(k, render_msg(f"followup.campaign.order_kind.{k}")) for k in Order.Kind.values],
                "imports": list(c.imports.order_by("-at")[:10]),
                "held": [
                    {
                        "id": t.pk,
                        "customer_name": shown_name(t.customer.name, unmasked),
                        "customer_phone": shown_phone(t.customer.phone, unmasked),
                        "holder_no": t.holder.staff_no,
                        "taken_at": t.taken_at,
                    }
                    for t in targets
                    if t.holder_id and t.state == "open"
                ],
                "may_release": campaigns.may_release(scope, c),
            }
        )
    mine = c.targets.filter(holder=scope.staff, state="open").first() if scope.staff else None
    ctx["mine"] = mine
    return render(request, "followup/campaign.html", ctx, status=status)


def _left_out(request, result) -> None:
    if result.opted_out:
        messages.info(request, render_msg("followup.optout.left_out", {"count": result.opted_out}))


@require("page.followup.campaign_manage")
@require_POST
def campaign_action(request, pk: int, action: str):
    scope = caller(request)
    try:
        if action == "upload":
            f = request.FILES.get("file")
            if f is None:
                raise RuleViolation.of("followup.campaign.upload.empty", field="file")
            result = campaigns.upload(scope, pk, f.name, f.read(campaigns.UPLOAD_MAX_BYTES + 1))
            if result.repeated_file:
                messages.info(request, _("这个文件已经上传过，名单没有变化"))
            else:
                messages.success(
                    request,
                    _("已加入 %(added)s 位客户（%(already)s 位已在名单中）")
                    % {"added": result.added, "already": result.already},
                )
                _left_out(request, result)
        elif action == "select":
            result = campaigns.add_selection(
                scope,
                pk,
                {
                    "kind": request.POST.get("kind", ""),
                    "vip_only": request.POST.get("vip_only") == "on",
                    "order_kind": request.POST.get("order_kind", ""),
                    "since": request.POST.get("since", ""),
                },
            )
            messages.success(
                request,
                _("已加入 %(added)s 位客户（%(already)s 位已在名单中）")
                % {"added": result.added, "already": result.already},
            )
            _left_out(request, result)
        elif action in ("grant", "revoke"):
            campaigns.grant_offer(scope, pk, request.POST.get("staff_no", ""), action == "grant")
            messages.success(request, _("已保存"))
        elif action == "release":
            target = request.POST.get("target", "")
            campaigns.release(scope, pk, int(target) if target.isdigit() else 0, reason=request.POST.get("reason", ""))
            messages.success(request, render_msg("followup.campaign.released"))
        elif action == "end":
            campaigns.end(scope, pk)
            messages.success(request, _("外呼活动已结束"))
        else:
            return redirect("followup:campaign", pk=pk)
    except RuleViolation as exc:
        if exc.status == 404:
            raise
        for p in exc.problems:
            messages.error(request, p.message)
        return campaign(request, pk, status=exc.status)
    return redirect("followup:campaign", pk=pk)


@require("page.followup.call")
@require_POST
def take_next(request, pk: int):
    scope = caller(request)
    try:
        target = campaigns.take_next(scope, pk)
    except RuleViolation as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.problems[0].message)
        return redirect("followup:campaign", pk=pk)
    if target is None:
        messages.info(request, _("名单中已没有待外呼的客户"))
        return redirect("followup:campaign", pk=pk)
    return redirect("followup:call", pk=target.pk)


@require("page.followup.call")
def call(request, pk: int):
    """One customer of the list: who, the attempts, the questionnaire, the outcome; the offer only if authorised."""
    scope = caller(request)
    t = campaigns.get_target(scope, pk)
    errors, status = {}, 200
    if request.method == "POST":
        name = request.POST.get("name", "")
        fields = {
            k: request.POST[k] for k in ("outcome", "note", "closure", "offer") if request.POST.get(k, "").strip()
        }
        if name == "complete":
            fields["answers"] = {q["key"]: request.POST.get(f"a_{q['key']}", "") for q in t.campaign.questionnaire}
        try:
            campaigns.fire(scope, pk, name, version=request.POST.get("version"), **fields)
        except RuleViolation as exc:
            if exc.status == 404:
                raise
            for p in exc.problems:
                messages.error(request, p.message)
            errors, status = {p.field: str(p.message) for p in exc.problems}, exc.status
        else:
            messages.success(request, _("已保存"))
            return redirect("followup:call", pk=pk)
        t = campaigns.get_target(scope, pk)
    unmasked = present.wants_unmask(request, request.GET.get("unmask") == "1")
    audit(request, [t], unmasked, f"外呼 {t.campaign.name}")
    limit = policy_for("followup", scope.center)["max_failed_attempts"]
    return render(
        request,
        "followup/call.html",
        {
            "t": call_dict(scope, t, unmasked, full=True),
            "c": t.campaign,
            "errors": errors,
            "questions": [
                {**q, "answer": t.answers.get(q["key"], request.POST.get(f"a_{q['key']}", ""))}
                for q in t.campaign.questionnaire
            ],
            "outcomes": [(o, render_msg(f"followup.outcome.{o}")) for o in rules.OUTCOMES if o != rules.REACHED],
            "closures": [(c, render_msg(f"followup.closure.{c}")) for c in rules.CLOSURES],
            "closable": sorted(rules.closable(t.attempts.values_list("outcome", flat=True), limit)),
            "can_unmask": can_unmask(request.user),
            "unmasked": unmasked,
        },
        status=status,
    )


@require("page.followup.campaign_manage")
def report(request, pk: int):
    scope = caller(request)
    c = campaigns.get(scope, pk)
    start = parse_day(request.GET.get("start"), _("开始日期"), field="start")
    end = parse_day(request.GET.get("end"), _("结束日期"), field="end")
    period = request.GET.get("period") or "week"
    first, last = report_span(c, start, end)
    rows = campaigns.report(c, first, last, period)
    total = campaigns.progress(c)
    if request.GET.get("format") == "xlsx":
        body = campaigns.report_workbook(c, first, last, period, rows, total)
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="campaign-{c.pk}-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"'
        return response
    return render(
        request,
        "followup/campaign_report.html",
        {
            "c": c,
            "rows": rows,
            "first": first,
            "last": last,
            "period": period,
            "total": total,
            "periods": [(p, render_msg(f"followup.campaign.period.{p}")) for p in campaigns.PERIODS],
            "sums": {
                k: sum(getattr(r, k) for r in rows) for k in ("called", "attempts", "reached", "completed", "refused")
            },
        },
    )
