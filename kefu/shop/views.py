"""The shop desk's pages: orders (import, confirmation form, remark builder), after-sales cases, the notebooks and
the commission report. Views parse, call the services and show what they refused beside the form."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.access import require
from kefu.audit.services import can_unmask
from kefu.errors import RuleViolation
from kefu.org.models import Staff
from kefu.scope import caller

from . import present, rules, services
from .models import AfterSalesCase


def _fail(request, exc: RuleViolation) -> None:
    for problem in exc.problems:
        messages.error(request, str(problem.message))


def _shop(request, scope):
    shops = list(services.shops(scope))
    wanted = request.GET.get("shop") or request.POST.get("shop")
    chosen = next((s for s in shops if str(s.pk) == wanted), shops[0] if shops else None)
    return shops, chosen


@require("page.shop.orders")
def orders(request):
    scope = caller(request)
    shops, shop = _shop(request, scope)
    rows = []
    if shop is not None:
        found = services.orders(scope, shop)
        if request.GET.get("q"):
            q = request.GET["q"].strip()
            found = found.filter(order_no__icontains=q) | found.filter(buyer_wangwang__icontains=q)
        if request.GET.get("unremarked"):
            found = found.filter(remark_agent="", payment__in=services.SOLD)
        rows = list(found.prefetch_related("lines")[:200])
        services.audit_read(scope, object_type="shop_order", ids=[o.pk for o in rows], fields="contact,phone")
    return render(
        request,
        "shop/orders.html",
        {
            "shops": shops,
            "shop": shop,
            "orders": [present.order_out(o) for o in rows],
            "q": request.GET.get("q", ""),
            "today": timezone.localdate(),
        },
    )


@require("page.shop.orders")
@require_POST
def import_orders(request):
    scope = caller(request)
    _shops, shop = _shop(request, scope)
    upload = request.FILES.get("file")
    if shop is None or upload is None:
        messages.error(request, _("请选择店铺和要导入的订单导出文件（CSV）"))
        return redirect("shop:orders")
    duty_no = request.POST.get("on_duty", "").strip()
    duty = Staff.objects.filter(center=scope.center, staff_no=duty_no).first() if duty_no else None
    try:
        if duty_no and duty is None:
            raise RuleViolation.of("shop.import.staff", field="on_duty", line=0, value=duty_no)
        result = services.import_orders(scope, shop=shop, raw=upload.read(), on_duty=duty)
    except RuleViolation as exc:
        _fail(request, exc)
        return redirect(f"{_url('shop:orders')}?shop={shop.pk}")
    messages.success(
        request,
        _("导入完成：新增 %(c)s 单，更新 %(u)s 单，未变化 %(n)s 单")
        % {"c": result.created, "u": result.updated, "n": result.unchanged},
    )
    return redirect(f"{_url('shop:orders')}?shop={shop.pk}")


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


@require("page.shop.orders")
def order(request, pk: int):
    scope = caller(request)
    found = services.get_order(scope, pk)
    unmasked = present.may_unmask(scope, request.GET.get("unmask") == "1")
    services.audit_read(scope, object_type="shop_order", ids=[found.pk], fields="contact,phone,address")
    if unmasked:
        present.audit_unmask(scope, "shop_order", found.pk, "contact,phone,address")
    data = present.order_out(found, unmasked)
    scheme = services.scheme_of(found.shop)
    policy = services.policy(found.center)
    line = data["lines"][0] if data["lines"] else {}
    return render(
        request,
        "shop/order.html",
        {
            "order": data,
            "shop": found.shop,
            "unmasked": unmasked,
            "can_unmask": can_unmask(request.user),
            "couriers": policy["couriers"],
            "scheme": scheme,
            "my_mark": rules.agent_mark(scheme, scope.staff.staff_no, scope.staff.name),
            "form": {
                "item_no": line.get("item_no", ""),
                "size": line.get("size", ""),
                "colour": line.get("colour", ""),
                "quantity": line.get("quantity", ""),
                "logistics": found.logistics,
                "address": found.address if unmasked else "",
                "phone": found.phone if unmasked else "",
                "contact": found.contact_name if unmasked else "",
            },
            "events": [
                {"text": str(_render(e.code, e.params)), "at": e.at, "actor_no": e.actor.staff_no if e.actor_id else ""}
                for e in found.events.all()
            ],
            "cases": [
                {
                    "id": c.pk,
                    "kind": _render(f"shop.kind.{c.kind}", {}),
                    "reason": _render(f"shop.reason.{c.reason}", {}),
                    "state": _render(f"shop.case.state.{c.state}", {}),
                }
                for c in found.cases.all()
            ],
            "kinds": [(v, _render(f"shop.kind.{v}", {})) for v in AfterSalesCase.Kind.values],
            "reasons": [(v, _render(f"shop.reason.{v}", {})) for v in AfterSalesCase.Reason.values],
            "today": timezone.localdate(),
            "batch": _batch(found, policy),
        },
    )


def _render(code, params):
    from kefu.messages import render as render_message

    return render_message(code, params)


def _batch(found, policy) -> str | None:
    if found.paid_at is None:
        return None
    batch = rules.ship_batch(timezone.localtime(found.paid_at).time(), policy["print_batches"])
    return batch or _("次日发货")


@require("page.shop.orders")
@require_POST
def confirm(request, pk: int):
    scope = caller(request)
    found = services.get_order(scope, pk)
    try:
        services.confirm_order(
            scope,
            found,
            form={k: request.POST.get(k, "") for k in rules.CONFIRMATION_FIELDS},
            version=request.POST.get("version"),
        )
    except RuleViolation as exc:
        _fail(request, exc)
        return redirect("shop:order", pk)
    messages.success(request, _("订单确认表已保存"))
    return redirect("shop:order", pk)


@require("page.shop.orders")
@require_POST
def remark(request, pk: int):
    scope = caller(request)
    found = services.get_order(scope, pk)
    try:
        services.set_remark(
            scope,
            found,
            data={k: request.POST.get(k, "") for k in ("courier", "delay_reason", "gift", "refund", "other")},
            version=request.POST.get("version"),
        )
    except RuleViolation as exc:
        _fail(request, exc)
        return redirect("shop:order", pk)
    messages.success(request, _("备注已写入，请复制到平台订单备注"))
    return redirect("shop:order", pk)


@require("page.shop.orders")
@require_POST
def open_case(request, pk: int):
    scope = caller(request)
    found = services.get_order(scope, pk)
    data = {
        k: request.POST.get(k, "") for k in ("kind", "reason", "received_on", "amount", "payment_account", "buyer_name")
    }
    data.update({k: request.POST.get(k) == "on" for k in services.FACT_FLAGS})
    try:
        case = services.open_case(scope, found, data=data)
    except RuleViolation as exc:
        _fail(request, exc)
        return redirect("shop:order", pk)
    messages.success(request, _("售后单已登记"))
    return redirect("shop:case", case.pk)


@require("page.shop.cases")
def cases(request):
    scope = caller(request)
    state = request.GET.get("state", "open")
    found = services.cases(scope)
    if state == "open":
        from .machine import OPEN

        found = found.filter(state__in=OPEN)
    rows = list(found[:200])
    services.audit_read(scope, object_type="shop_case", ids=[c.pk for c in rows], fields="buyer_name")
    shops, shop = _shop(request, scope)
    return render(
        request,
        "shop/cases.html",
        {"cases": [present.case_out(c, scope) for c in rows], "state": state, "shops": shops, "shop": shop},
    )


@require("page.shop.cases")
def case(request, pk: int):
    scope = caller(request)
    found = services.get_case(scope, pk)
    unmasked = present.may_unmask(scope, request.GET.get("unmask") == "1")
    services.audit_read(scope, object_type="shop_case", ids=[found.pk], fields="buyer_name,payment_account")
    if unmasked:
        present.audit_unmask(scope, "shop_case", found.pk, "buyer_name,payment_account")
    return render(
        request,
        "shop/case.html",
        {
            "case": present.case_out(found, scope, unmasked),
            "unmasked": unmasked,
            "can_unmask": can_unmask(request.user),
        },
    )


@require("page.shop.cases")
@require_POST
def move_case(request, pk: int):
    scope = caller(request)
    found = services.get_case(scope, pk)
    fields = {k: request.POST[k] for k in ("note", "reason", "amount", "tracking_no") if request.POST.get(k)}
    try:
        services.move_case(
            scope, found, name=request.POST.get("name", ""), version=request.POST.get("version"), **fields
        )
    except RuleViolation as exc:
        _fail(request, exc)
    return redirect("shop:case", pk)


@require("page.shop.cases")
@require_POST
def match_return(request):
    scope = caller(request)
    _shops, shop = _shop(request, scope)
    try:
        if shop is None:
            raise RuleViolation.of("shop.case.no_open_case", field="shop", buyer="")
        found = services.match_return(
            scope,
            shop,
            tracking_no=request.POST.get("tracking_no", ""),
            buyer_wangwang=request.POST.get("buyer_wangwang", ""),
            note_in_parcel=request.POST.get("note_in_parcel") == "on",
        )
    except RuleViolation as exc:
        _fail(request, exc)
        return redirect("shop:cases")
    messages.success(request, _("退回单号已登记，售后同事将按订单电话联系买家"))
    return redirect("shop:case", found.pk)


@require("page.shop.notebooks")
def notebooks(request):
    scope = caller(request)
    today = timezone.localdate()
    start = today - timedelta(days=13)
    stats = [present.stat_out(s) for s in services.stats(scope, start=start, end=today)]
    return render(
        request,
        "shop/notebooks.html",
        {
            "problems": list(services.problems(scope)[:200]),
            "stats": stats,
            "today": today,
            "week": services.week_of(today),
            "is_lead": scope.has(*services.LEAD_ROLES),
        },
    )


@require("page.shop.notebooks")
@require_POST
def notebook_action(request):
    scope = caller(request)
    action = request.POST.get("action")
    try:
        if action == "problem":
            services.add_problem(scope, request.POST.get("text", ""))
        elif action == "hand_in":
            count = services.hand_in_week(scope, services.week_of(timezone.localdate()))
            messages.success(request, _("已上交本周 %(n)s 条问题登记") % {"n": count})
        elif action == "consolidate" and scope.has(*services.LEAD_ROLES):
            ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
            services.consolidate(scope, entry_ids=ids, note=request.POST.get("note", ""))
        elif action == "stat":
            day = date.fromisoformat(request.POST.get("day") or timezone.localdate().isoformat())
            services.record_stat(scope, day=day, served=request.POST.get("served"), bought=request.POST.get("bought"))
    except ValueError:
        messages.error(request, _("日期格式应为 YYYY-MM-DD"))
    except RuleViolation as exc:
        _fail(request, exc)
    return redirect("shop:notebooks")


@require("page.shop.commission")
def commission(request):
    scope = caller(request)
    shops, shop = _shop(request, scope)
    month_text = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        month = date.fromisoformat(f"{month_text}-01")
    except ValueError:
        messages.error(request, _("月份格式应为 YYYY-MM"))
        month = timezone.localdate().replace(day=1)
        month_text = month.strftime("%Y-%m")
    rows = services.commission_month(scope, shop=shop, month=month) if shop else []
    if shop and request.GET.get("format") == "xlsx":
        response = HttpResponse(
            services.commission_workbook(shop, month=month, rows=rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="commission-{shop.code}-{month_text}.xlsx"'
        return response
    return render(request, "shop/commission.html", {"shops": shops, "shop": shop, "rows": rows, "month": month_text})
