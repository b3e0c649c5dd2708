"""The call workbench and the order search (server-rendered, HTMX). Views parse and call services/selectors;
customers' data is masked and every page showing it is audited."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from kefu.access import allowed, require
from kefu.audit.models import AuditRecord
from kefu.audit.services import can_unmask, record, record_read, shown_name, shown_phone
from kefu.customers.phones import normalize_phone
from kefu.errors import RuleViolation
from kefu.messages import Msg
from kefu.scope import caller
from kefu.tickets import history as tickets_history
from kefu.tickets import selectors as tickets_selectors
from kefu.tickets import services as tickets_services
from kefu.workbench import customers, labels, selectors, services
from kefu.workbench.models import PhraseOverride, SavedView

CUSTOMER_FIELDS = "customer.phone,customer.name(masked)"
ORDER_FIELDS = ("phone", "customer_name", "kind", "category", "level", "subject", "description", "expected_result")


def _choices(names: dict) -> list[tuple[str, str]]:
    return list(names.items())


def _order_choices(center) -> dict:
    """The order types and active categories of the center's policy (kefu.tickets), in the reader's language."""
    pol = tickets_services.policy(center)
    return {
        "kinds": tickets_history.choices("kind", pol["kinds"]),
        "categories": [
            (code, tickets_services.category_text(code, cat))
            for code, cat in tickets_services.active_categories(pol).items()
        ],
    }


def _named(o):
    o.kind_name = labels.KIND_NAMES.get(o.kind, o.kind)
    o.state_name = labels.STATE_NAMES.get(o.state, o.state)
    return o


def _found(found: dict[str, list[dict]]) -> list[dict]:
    return [
        {
            "field": name,
            "label": labels.FIELD_NAMES.get(name, name),
            "hits": [
                {**h, "category_label": labels.HIT_CATEGORY_NAMES.get(h["category"], h["category"])} for h in hits
            ],
        }
        for name, hits in found.items()
    ]


@require("page.workbench.call")
def call(request):
    """One page for the whole call: screen pop, the new order, the knowledge panel, standard phrases and the phrase
    check of the notes and the reply before they are saved."""
    scope = caller(request)
    errors, warning, token, status = [], None, "", 200
    values = {"phone": request.GET.get("phone", "")[:30]} if request.method == "GET" else {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in (*ORDER_FIELDS, "reply", "satisfaction")}
        data = {k: values[k] for k in ORDER_FIELDS if values[k] != ""}
        try:
            order = services.accept_call(
                scope,
                data,
                reply=values["reply"],
                satisfaction=values["satisfaction"],
                acknowledged=request.POST.get("acknowledged") or None,
            )
        except services.PhraseWarning as exc:
            warning, token = _found(exc.found), exc.token
        except RuleViolation as exc:
            errors, status = exc.problems, 400
        else:
            if order.state == "replied":
                messages.success(request, gettext("已受理并答复工单 %(number)s") % {"number": order.number})
            else:
                messages.success(request, gettext("已受理工单 %(number)s") % {"number": order.number})
            return redirect("workbench:call")
    return render(
        request,
        "workbench/call.html",
        {
            "values": values,
            "errors": errors,
            "error_fields": {p.field for p in errors},
            "warning": warning,
            "token": token,
            **_order_choices(scope.center),
            "levels": labels.LEVELS,
            "satisfactions": _choices(labels.SATISFACTION_NAMES),
        },
        status=status,
    )


@require("page.workbench.call")
def pop(request):
    """HTMX: the caller's profile, recent orders and open callbacks, masked; the read is audited."""
    scope = caller(request)
    phone = request.GET.get("phone", "")
    found = selectors.screen_pop(scope, phone)
    context = {"typed": bool(phone.strip()), "phone_ok": normalize_phone(phone) is not None, "pop": found}
    if found.customer is not None:
        c = found.customer
        record_read(
            request,
            object_type="customers.customer",
            ids=[c.pk],
            fields="phone,name(masked),recent_orders,callbacks",
            note="来电工作台弹屏",
        )
        context.update(
            phone=shown_phone(c.phone, False),
            name=shown_name(c.name, False),
            kind_name=labels.CUSTOMER_KIND_NAMES.get(c.kind, c.kind),
            recent=[_named(o) for o in found.recent],
            callbacks=[{"task": t, "kind_name": labels.TASK_KIND_NAMES.get(t.kind, t.kind)} for t in found.callbacks],
        )
    return render(request, "workbench/_pop.html", context)


@require("page.workbench.call")
def knowledge_panel(request):
    """HTMX: knowledge articles for what is typed in the subject and description (or the agent's own query)."""
    scope = caller(request)
    asked, found = selectors.knowledge_answers(
        scope,
        request.GET.get("subject", "")[:100],
        request.GET.get("description", "")[:400],
        request.GET.get("kq", "")[:100],
    )
    return render(request, "workbench/_knowledge.html", {"asked": asked, "found": found})


@require("page.workbench.call")
def phrases_panel(request):
    """HTMX: standard phrases filled with the caller's surname, the agent's staff number and the center's name."""
    scope = caller(request)
    customer = selectors.screen_pop(scope, request.GET.get("phone", "")).customer
    values = selectors.phrase_values(scope, request.GET.get("customer_name", "")[:50], customer)
    return render(request, "workbench/_phrases.html", {"phrases": selectors.standard_phrases(values), "values": values})


@require("page.workbench.call")
def check_panel(request):
    """HTMX: the phrase check of the notes and the reply as they are typed."""
    scope = caller(request)
    texts = {name: request.GET.get(name, "")[: services.MAX_CHECK_LENGTH] for name in services.CHECKED_FIELDS}
    found = services.check_fields(scope.center, texts, scope.staff)
    return render(request, "workbench/_check.html", {"found": _found(found), "typed": any(texts.values())})


# ---------------------------------------------------------------- finding orders


def _page_link(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return "?" + params.urlencode()


@require("page.workbench.search")
def search(request):
    """Orders by number, phone (keyed digest) or words, with filters and pages; results masked and audited."""
    from kefu.org.models import Department

    scope = caller(request)
    errors, results, filters = [], None, None
    try:
        filters = selectors.parse_filters(request.GET)
        results = selectors.search_orders(scope, filters)
    except RuleViolation as exc:
        errors = exc.problems
    rows = []
    if results is not None:
        rows = [
            {"o": _named(o), "phone": shown_phone(o.customer.phone, False), "name": shown_name(o.customer.name, False)}
            for o in tickets_selectors.mark_holders(results.rows)
        ]
        if rows:
            record_read(
                request,
                object_type="tickets.order",
                ids=[r["o"].pk for r in rows],
                fields=CUSTOMER_FIELDS,
                note="查找工单",
            )
    query = request.GET.copy()
    query.pop("page", None)
    departments = scope.filter(Department.objects.all())
    if scope.department_limited:
        departments = departments.filter(pk__in=scope.departments)
    return render(
        request,
        "workbench/search.html",
        {
            "errors": errors,
            "error_fields": {p.field for p in errors},
            "results": results,
            "rows": rows,
            "values": request.GET,
            "kinds": _choices(labels.KIND_NAMES),
            "states": _choices(labels.STATE_NAMES),
            "levels": labels.LEVELS,
            "departments": departments.order_by("code"),
            "views": SavedView.objects.filter(staff=scope.staff),
            "query": query.urlencode(),
            "next_link": _page_link(request, results.page + 1) if results and results.has_next else "",
            "previous_link": _page_link(request, results.page - 1) if results and results.has_previous else "",
            "last_link": _page_link(request, results.pages) if results and results.pages > 1 else "",
        },
        status=400 if errors else 200,
    )


@require_POST
@require("page.workbench.search")
def save_view(request):
    scope = caller(request)
    query = request.POST.get("query", "")
    try:
        view = services.save_view(scope, request.POST.get("name", ""), query)
    except RuleViolation as exc:
        messages.error(request, "；".join(p.text for p in exc.problems))
        return redirect(f"{reverse('workbench:search')}?{query.lstrip('?')}")
    messages.success(request, gettext("已保存查询“%(name)s”") % {"name": view.name})
    return redirect(f"{reverse('workbench:search')}?{view.query}")


@require_POST
@require("page.workbench.search")
def delete_view(request, view_id: int):
    scope = caller(request)
    services.delete_view(scope, view_id)
    messages.success(request, gettext("已删除保存的查询"))
    return redirect("workbench:search")


@require("page.workbench.overrides")
def overrides(request):
    """For QA: replies and notes saved although the phrase check flagged them: who, which order, which words, when."""
    scope = caller(request)
    qs = scope.filter(PhraseOverride.objects.all()).select_related("staff", "order")
    staff_no = request.GET.get("staff", "").strip()[:20]
    if staff_no:
        qs = qs.filter(staff__staff_no=staff_no)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.field_name = labels.FIELD_NAMES.get(row.field, row.field)
        row.hit_rows = [{**h, "category_label": labels.HIT_CATEGORY_NAMES.get(h.get("category"), "")} for h in row.hits]
    return render(
        request,
        "workbench/overrides.html",
        {"page": page, "staff": staff_no, "staff_query": urlencode({"staff": staff_no}) if staff_no else ""},
    )


# ---------------------------------------------------------------- working together on an order

TOGETHER_FIELDS = "comments,attachments"


def _together_context(request, scope, order, errors=None, values=None) -> dict:
    from kefu.org.policy import policy_for

    pol = policy_for("workbench", scope.center)
    files = selectors.attachments(order)
    return {
        "o": _named(order),
        "comments": selectors.comments(order),
        "files": files,
        "errors": errors or [],
        "error_fields": {p.field for p in errors or []},
        "values": values or {},
        "max_mb": pol["attachment_max_mb"],
        "types": services.type_names(services.allowed_types(pol)),
        "may_link": bool(pol["recording_hosts"]),
        "accept": ",".join(pol["attachment_types"]),
    }


def _together(request, scope, order, errors=None, values=None, status=200):
    from kefu.org.policy import policy_for

    record_read(request, object_type="tickets.order", ids=[order.pk], fields=TOGETHER_FIELDS, note="工单内部备注与附件")
    response = render(
        request, "workbench/together.html", _together_context(request, scope, order, errors, values), status=status
    )
    hosts = policy_for("workbench", scope.center)["recording_hosts"]
    if hosts:  # linked recordings play from the center's recording server only
        media = ["'self'"] + [u for h in hosts for u in (f"https://{h}", f"http://{h}")]
        response._csp_update = {"media-src": media}  # noqa: SLF001 (django-csp 4's per-response update)
    return response


@require("page.workbench.together")
def together(request, order_id: int):
    """The order's internal comments (with @mentions) and attachments (recordings played in the page)."""
    scope = caller(request)
    return _together(request, scope, services.scoped_order(scope, order_id))


@require_POST
@require("page.workbench.together")
def comment(request, order_id: int):
    scope = caller(request)
    text = request.POST.get("text", "")
    try:
        services.add_comment(scope, order_id, text)
    except RuleViolation as exc:
        if exc.status == 404:
            raise
        return _together(request, scope, services.scoped_order(scope, order_id), exc.problems, {"text": text}, 400)
    messages.success(request, gettext("已添加内部备注"))
    return redirect(reverse("workbench:together", args=[order_id]) + "#comments")


@require_POST
@require("page.workbench.together")
def attach(request, order_id: int):
    scope = caller(request)
    upload = request.FILES.get("file")
    note = request.POST.get("note", "")
    try:
        if upload is None:
            raise RuleViolation.of("workbench.attachment.empty", field="file")
        from kefu.org.policy import policy_for

        limit = policy_for("workbench", scope.center)["attachment_max_mb"] * 1024 * 1024
        data = upload.read() if upload.size <= limit else b""  # too large: refused by its size, never read
        services.attach_file(scope, order_id, upload.name, upload.content_type or "", data, size=upload.size, note=note)
    except RuleViolation as exc:
        if exc.status == 404:
            raise
        return _together(request, scope, services.scoped_order(scope, order_id), exc.problems, {"note": note}, 400)
    messages.success(request, gettext("已上传附件 %(name)s") % {"name": upload.name})
    return redirect(reverse("workbench:together", args=[order_id]) + "#files")


@require_POST
@require("page.workbench.together")
def link(request, order_id: int):
    scope = caller(request)
    url, note = request.POST.get("url", ""), request.POST.get("note", "")
    try:
        services.link_recording(scope, order_id, url, note=note)
    except RuleViolation as exc:
        if exc.status == 404:
            raise
        return _together(
            request, scope, services.scoped_order(scope, order_id), exc.problems, {"url": url, "link_note": note}, 400
        )
    messages.success(request, gettext("已添加录音链接"))
    return redirect(reverse("workbench:together", args=[order_id]) + "#files")


@require("page.workbench.together")
def attachment(request, attachment_id: int):
    """Download or play one attachment (a linked recording: sent on to the recording server); every one is audited."""
    scope = caller(request)
    found = selectors.attachment(scope, attachment_id)
    return attachment_response(request, found)


def attachment_response(request, found):
    """The attachment's content (or, for a linked recording, a redirect to it) after recording the read."""
    from django.http import HttpResponse, HttpResponseRedirect
    from django.utils.encoding import escape_uri_path

    what = "play" if found.is_audio else "download"
    record_read(
        request,
        object_type="workbench.attachment",
        ids=[found.pk],
        fields=what,
        note=f"工单 {found.order.number} 附件 {found.name}"[:300],
    )
    if found.kind == found.Kind.LINK:
        return HttpResponseRedirect(found.url)
    response = HttpResponse(services.attachment_content(found), content_type=found.content_type)
    inline = found.is_audio or found.content_type.startswith("image/")
    response["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{escape_uri_path(found.name)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- the customer page

CUSTOMER_PAGE_FIELDS = "phone(masked),name(masked),orders,calls,callbacks,surveys"


def customer_context(found, unmasked: bool = False) -> dict:
    c = found.customer
    for o in found.orders:
        o.kind_name = labels.KIND_NAMES.get(o.kind, o.kind)
        o.state_name = labels.STATE_NAMES.get(o.state, o.state)
    tasks = [
        {
            "t": t,
            "kind_name": labels.TASK_KIND_NAMES.get(t.kind, t.kind),
            "state_name": Msg(f"followup.task.state.{t.state}"),
        }
        for t in found.tasks
    ]
    for call in found.calls:
        call.outcome_name = labels.CALL_OUTCOME_NAMES.get(call.outcome, call.outcome)
    surveys = [{"s": s, "answer_name": labels.SATISFACTION_NAMES.get(s.answer, "")} for s in found.surveys]
    return {
        "found": found,
        "c": c,
        "phone": shown_phone(c.phone, unmasked),
        "name": shown_name(c.name, unmasked),
        "kind_name": labels.CUSTOMER_KIND_NAMES.get(c.kind, c.kind),
        "tasks": tasks,
        "surveys": surveys,
    }


@require("page.workbench.customer")
def customer(request, customer_id: int):
    """A customer's whole history (orders, calls, callbacks and return visits, surveys), masked; the read is audited."""
    scope = caller(request)
    found = customers.history(scope, customer_id)
    record_read(
        request, object_type="customers.customer", ids=[found.customer.pk], fields=CUSTOMER_PAGE_FIELDS, note="客户页"
    )
    context = customer_context(found)
    context["can_unmask"] = can_unmask(request.user) and allowed(request.user, "page.workbench.customer_unmask")
    return render(request, "workbench/customer.html", context)


@require_POST
@require("page.workbench.customer_unmask")
def customer_unmask(request, customer_id: int):
    """ "显示完整号码": the full phone and name (HTMX fragment), audited as unmask."""
    c = customers.customer(caller(request), customer_id)
    record(
        request,
        AuditRecord.Action.UNMASK,
        object_type="customers.customer",
        ids=[c.pk],
        fields="phone,name",
        note="客户页",
    )
    return render(request, "workbench/_customer_unmasked.html", {"phone": c.phone, "name": c.name})
