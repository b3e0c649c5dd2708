"""拒绝回访 pages: the center's standing refusals (masked, audited), recording one for a caller, withdrawing one with
a reason; the customer's own refusal on the survey page; the SMS provider's inbound callback (a reply with the
policy's keyword)."""

from __future__ import annotations

import hmac
import json

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.audit.services import record_read, shown_name, shown_phone
from kefu.errors import RuleViolation
from kefu.followup import optout, present
from kefu.messages import render as render_msg
from kefu.scope import caller


def _rows(request, found, unmasked: bool, row_errors: dict) -> list[dict]:
    if found:
        record_read(
            request,
            object_type="customers.customer",
            ids=[o.customer_id for o in found],
            fields="phone,name" + ("" if unmasked else "(masked)"),
            note="拒绝回访登记",
        )
    return [
        {
            "id": o.pk,
            "at": o.at,
            "channel_label": render_msg(f"followup.optout.channel.{o.channel}"),
            "phone": shown_phone(o.customer.phone, unmasked),
            "name": shown_name(o.customer.name, unmasked),
            "by_no": o.by.staff_no if o.by else "",
            "note": o.note,
            "withdrawn_at": o.withdrawn_at,
            "withdrawn_by_no": o.withdrawn_by.staff_no if o.withdrawn_by else "",
            "withdraw_reason": o.withdraw_reason,
            "error": row_errors.get(o.pk, ""),
        }
        for o in found
    ]


@require("page.followup.optouts")
def optouts(
    request, errors: dict | None = None, form: dict | None = None, status: int = 200, row_errors: dict | None = None
):
    scope = caller(request)
    unmasked = present.wants_unmask(request, request.GET.get("unmask") == "1")
    everything = request.GET.get("all") == "1"
    found = optout.listing(scope, include_withdrawn=everything)
    return render(
        request,
        "followup/optouts.html",
        {
            "rows": _rows(request, found, unmasked, row_errors or {}),
            "everything": everything,
            "unmasked": unmasked,
            "errors": errors or {},
            "form": form or {},
        },
        status=status,
    )


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@require("page.followup.optouts")
@require_POST
def record(request):
    """An agent records the caller's refusal (from the refusals page by phone, or from a task or campaign call)."""
    scope = caller(request)
    data = {k: request.POST.get(k, "") for k in ("phone", "customer_id", "note")}
    try:
        optout.record_by_agent(scope, phone=data["phone"], customer_id=data["customer_id"] or None, note=data["note"])
    except RuleViolation as exc:
        for p in exc.problems:
            messages.error(request, p.message)
        if request.POST.get("next"):
            return _back(request, "followup:optouts")
        return optouts(
            request,
            errors={p.field: str(p.message) for p in exc.problems},
            form=data,
            status=400 if exc.status == 404 else exc.status,
        )
    messages.success(request, render_msg("followup.optout.recorded"))
    return _back(request, "followup:optouts")


@require("page.followup.optouts")
@require_POST
def withdraw(request, pk: int):
    scope = caller(request)
    try:
        optout.withdraw(scope, pk, reason=request.POST.get("reason", ""))
    except RuleViolation as exc:
        if exc.status == 404:
            raise
        for p in exc.problems:
            messages.error(request, p.message)
        return optouts(request, row_errors={pk: "；".join(str(p.message) for p in exc.problems)}, status=exc.status)
    messages.success(request, render_msg("followup.optout.withdrawn"))
    return redirect("followup:optouts")


@require_POST
def survey_optout(request, token: str):
    """The customer, on the survey page: "no more visits or surveys". The signed link says who they are."""
    try:
        optout.from_survey(token)
    except RuleViolation as exc:
        return render(request, "followup/survey.html", {"closed": exc}, status=exc.status)
    return render(request, "followup/survey.html", {"opted_out": True})


@csrf_exempt
@require_POST
def sms_inbound(request):
    """The SMS provider posts a customer's reply: {"mobile": "138...", "text": "TD"}, with the center's SMS channel
    key as `Authorization: Bearer <key>` (the key kefu sends with; kefu.notify.channels). A reply with the policy's
    keyword is an opt-out; anything else is acknowledged and changes nothing. A wrong key: 403, nothing read."""
    from kefu.notify.models import Channel

    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    channel = None
    if given:
        for c in Channel.objects.filter(kind=Channel.Kind.SMS, is_active=True).select_related("center"):
            if c.secret and hmac.compare_digest(c.secret.encode(), given.encode()):
                channel = c
                break
    if channel is None:
        return HttpResponse(status=403)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"ok": False, "error": "body is not JSON"}, status=400)
    if not isinstance(body, dict) or not isinstance(body.get("mobile"), str) or not isinstance(body.get("text"), str):
        return JsonResponse({"ok": False, "error": "mobile and text are required"}, status=400)
    found = optout.sms_reply(channel.center, body["mobile"], body["text"][:300])
    return JsonResponse({"ok": True, "opted_out": found is not None})
