"""The shop desk's API: thin — parse, call services, present (kefu/shop/present.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from kefu.access import op
from kefu.org.models import Staff
from kefu.scope import caller

from . import present, services

router = Router(tags=["网店客服 shop"])


class ShopIn(Schema):
    code: str = Field(..., max_length=30)
    name: str = Field(..., max_length=100)
    flag_scheme: str = Field(
        "", max_length=30, description="制度中的旗帜方案：mingmei（工号+红旗）/ shangmifang（姓名+绿旗）"
    )


class ShopOut(Schema):
    id: int
    code: str
    name: str
    flag_scheme: str


class ShopLineOut(Schema):
    item_no: str
    title: str
    size: str
    colour: str
    quantity: int
    price: Decimal


class ShopOrderOut(Schema):
    id: int
    shop_id: int
    order_no: str
    buyer_wangwang: str
    payment: str
    payment_label: str
    auto_placed: bool
    placed_at: datetime
    paid_at: datetime | None
    amount: Decimal
    owner_no: str
    follow_up_no: str
    contact: str
    phone: str
    address: str
    logistics: str
    tracking_no: str
    remark: str
    remark_agent: str
    remark_flag: str
    flag_label: str
    confirmed_at: datetime | None
    source: str
    version: int
    lines: list[ShopLineOut]


class ShopOrderIn(Schema):
    shop_id: int
    order_no: str = Field(..., max_length=40)
    buyer_wangwang: str = Field(..., max_length=60)
    amount: str = Field("0", max_length=20)
    payment: str = Field("unpaid", max_length=20, description="unpaid / paid / shipped / completed / closed")
    auto_placed: bool = False


class ShopImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    lines: int


class ShopConfirmIn(Schema):
    """客户订单信息确认表 (000:L223-229): 货号/尺码/颜色/数量/备注/收货地址/物流方式/联系电话/联系人."""

    version: int | None = None
    item_no: str = Field("", max_length=100)
    size: str = Field("", max_length=100)
    colour: str = Field("", max_length=100)
    quantity: str = Field("", max_length=20)
    note: str = Field("", max_length=400)
    address: str = Field("", max_length=400)
    logistics: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    contact: str = Field("", max_length=100)


class ShopRemarkIn(Schema):
    version: int | None = None
    courier: str = Field("", max_length=20, description="快递有特殊要求时的快递公司")
    delay_reason: str = Field("", max_length=100, description="延时发货的原因")
    gift: str = Field("", max_length=60)
    refund: str = Field("", max_length=20, description="退还金额（元）")
    other: str = Field("", max_length=200)


class ShopCommissionOut(Schema):
    agent: str
    remarked_orders: int
    remarked_amount: Decimal
    commission: Decimal
    unremarked_orders: int
    unremarked_amount: Decimal


class ShopCaseIn(Schema):
    kind: str = Field(..., max_length=20, description="return / exchange / refund / compensation")
    reason: str = Field(..., max_length=20, description="quality / dislike / usage / wrong_item / logistics")
    received_on: str = Field(..., max_length=10, description="签收日期 YYYY-MM-DD")
    amount: str = Field("0", max_length=20)
    payment_account: str = Field("", max_length=100, description="支付宝账号（加密保存）")
    buyer_name: str = Field("", max_length=40)
    tags_on: bool = True
    packaging_complete: bool = True
    washed_or_worn: bool = False
    damaged_by_buyer: bool = False
    special_size: bool = False
    preorder: bool = False
    food: bool = False
    opened: bool = False
    freight_collect: bool = False
    signed_without_inspection: bool = False


class ShopActionOut(Schema):
    name: str
    label: str
    requires: list[str]
    allows: list[str]


class ShopEventOut(Schema):
    text: str
    at: datetime
    actor_no: str


class ShopCaseOut(Schema):
    id: int
    order_id: int
    order_no: str
    kind: str
    kind_label: str
    reason: str
    reason_label: str
    state: str
    state_label: str
    outbound_payer: str
    return_payer: str
    refusals: list[str]
    buyer_wangwang: str
    buyer_name: str
    payment_account: str
    amount: Decimal
    refunded_amount: Decimal
    return_tracking_no: str
    note_in_parcel: bool | None
    reship_tracking_no: str
    handler_no: str
    created_at: datetime
    version: int
    actions: list[ShopActionOut]
    events: list[ShopEventOut]


class ShopTransitionIn(Schema):
    name: str = Field(
        ...,
        max_length=40,
        description="accept / refuse / compensate / return_shipped / receive / refund / reship / exchange / close",
    )
    version: int | None = None
    note: str | None = Field(None, max_length=300)
    reason: str | None = Field(None, max_length=300)
    amount: str | None = Field(None, max_length=20)
    tracking_no: str | None = Field(None, max_length=40)


class ShopReturnIn(Schema):
    tracking_no: str = Field(..., max_length=40)
    buyer_wangwang: str = Field(..., max_length=60)
    note_in_parcel: bool = False


class ShopProblemEntryIn(Schema):
    text: str = Field(..., max_length=2000)


class ShopProblemEntryOut(Schema):
    id: int
    author_no: str
    written_at: datetime
    week: date
    text: str
    handed_in_at: datetime | None
    consolidated_at: datetime | None
    lead_note: str


class ShopHandInIn(Schema):
    week: date


class ShopConsolidateIn(Schema):
    ids: list[int] = Field(..., max_length=500)
    note: str = Field(..., max_length=300)


class ShopStatIn(Schema):
    day: date
    served: int = Field(..., ge=0, le=100000)
    bought: int = Field(..., ge=0, le=100000)


class ShopStatOut(Schema):
    staff_no: str
    day: date
    served: int
    bought: int
    conversion: Decimal | None


class ShopCountOut(Schema):
    count: int


def _problem_out(e) -> dict:
    return {
        "id": e.pk,
        "author_no": e.author.staff_no,
        "written_at": e.written_at,
        "week": e.week,
        "text": e.text,
        "handed_in_at": e.handed_in_at,
        "consolidated_at": e.consolidated_at,
        "lead_note": e.lead_note,
    }


def _order(scope, pk: int, unmask: bool = False) -> dict:
    order = services.get_order(scope, pk)
    unmasked = present.may_unmask(scope, unmask)
    services.audit_read(scope, object_type="shop_order", ids=[order.pk], fields="contact,phone,address")
    if unmasked:
        present.audit_unmask(scope, "shop_order", order.pk, "contact,phone,address")
    return present.order_out(order, unmasked)


@op(router.get, "/shops", "shop.shops", response=list[ShopOut])
def shops(request):
    return list(services.shops(caller(request)))


@op(router.post, "/shops", "shop.create_shop", response={201: ShopOut})
def create_shop(request, payload: ShopIn):
    return 201, services.create_shop(
        caller(request), code=payload.code, name=payload.name, flag_scheme=payload.flag_scheme
    )


@op(router.get, "/orders", "shop.orders", response=list[ShopOrderOut])
def orders(request, shop: int | None = None, limit: int = 200):
    scope = caller(request)
    found = services.orders(scope, services.get_shop(scope, shop) if shop else None).prefetch_related("lines")
    rows = list(found[: max(1, min(limit, 1000))])
    services.audit_read(scope, object_type="shop_order", ids=[o.pk for o in rows], fields="contact,phone,address")
    return [present.order_out(o) for o in rows]


@op(router.get, "/orders/{order_id}", "shop.order", response=ShopOrderOut)
def order(request, order_id: int, unmask: bool = False):
    return _order(caller(request), order_id, unmask)


@op(router.post, "/orders", "shop.create_order", response={201: ShopOrderOut})
def create_order(request, payload: ShopOrderIn):
    scope = caller(request)
    made = services.create_order(scope, shop=services.get_shop(scope, payload.shop_id), data=payload.dict())
    return 201, present.order_out(made)


@op(router.post, "/shops/{shop_id}/import", "shop.import_orders", response=ShopImportOut)
def import_orders(request, shop_id: int, file: File[UploadedFile], on_duty: Form[str] = ""):
    """The platform's order export (CSV, UTF-8 or GBK): all or nothing, idempotent, errors with line numbers.
    on_duty: staff number of the on-duty agent who follows up auto-placed orders (003:L45)."""
    scope = caller(request)
    shop = services.get_shop(scope, shop_id)
    duty = Staff.objects.filter(center=scope.center, staff_no=on_duty.strip()).first() if on_duty else None
    if on_duty and duty is None:
        from kefu.errors import RuleViolation

        raise RuleViolation.of("shop.import.staff", field="on_duty", line=0, value=on_duty)
    result = services.import_orders(scope, shop=shop, raw=file.read(), on_duty=duty)
    return result.__dict__


@op(router.post, "/orders/{order_id}/confirm", "shop.confirm", response=ShopOrderOut)
def confirm(request, order_id: int, payload: ShopConfirmIn):
    scope = caller(request)
    data = payload.dict()
    version = data.pop("version")
    services.confirm_order(scope, services.get_order(scope, order_id), form=data, version=version)
    return _order(scope, order_id)


@op(router.post, "/orders/{order_id}/remark", "shop.remark", response=ShopOrderOut)
def remark(request, order_id: int, payload: ShopRemarkIn):
    scope = caller(request)
    data = payload.dict()
    version = data.pop("version")
    services.set_remark(scope, services.get_order(scope, order_id), data=data, version=version)
    return _order(scope, order_id)


def _month(month: str) -> date:
    from kefu.errors import RuleViolation

    try:
        return datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise RuleViolation.of("common.not_a_choice", field="month", field_label="month", value=month) from None


@op(router.get, "/shops/{shop_id}/commission", "shop.commission", response=list[ShopCommissionOut])
def commission(request, shop_id: int, month: str):
    scope = caller(request)
    return [
        r.__dict__
        for r in services.commission_month(scope, shop=services.get_shop(scope, shop_id), month=_month(month))
    ]


@op(router.get, "/shops/{shop_id}/commission.xlsx", "shop.commission_xlsx")
def commission_xlsx(request, shop_id: int, month: str):
    scope = caller(request)
    shop = services.get_shop(scope, shop_id)
    when = _month(month)
    data = services.commission_workbook(shop, month=when, rows=services.commission_month(scope, shop=shop, month=when))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="commission-{shop.code}-{month}.xlsx"'
    return response


@op(router.get, "/cases", "shop.cases", response=list[ShopCaseOut])
def cases(request, state: str | None = None, limit: int = 200):
    scope = caller(request)
    found = services.cases(scope)
    if state:
        found = found.filter(state=state)
    rows = list(found[: max(1, min(limit, 1000))])
    services.audit_read(scope, object_type="shop_case", ids=[c.pk for c in rows], fields="buyer_name,payment_account")
    return [present.case_out(c, scope) for c in rows]


@op(router.get, "/cases/{case_id}", "shop.case", response=ShopCaseOut)
def case(request, case_id: int, unmask: bool = False):
    scope = caller(request)
    found = services.get_case(scope, case_id)
    unmasked = present.may_unmask(scope, unmask)
    services.audit_read(scope, object_type="shop_case", ids=[found.pk], fields="buyer_name,payment_account")
    if unmasked:
        present.audit_unmask(scope, "shop_case", found.pk, "buyer_name,payment_account")
    return present.case_out(found, scope, unmasked)


@op(router.post, "/orders/{order_id}/cases", "shop.open_case", response={201: ShopCaseOut})
def open_case(request, order_id: int, payload: ShopCaseIn):
    scope = caller(request)
    made = services.open_case(scope, services.get_order(scope, order_id), data=payload.dict())
    return 201, present.case_out(made, scope)


@op(router.post, "/cases/{case_id}/transition", "shop.move_case", response=ShopCaseOut)
def move_case(request, case_id: int, payload: ShopTransitionIn):
    scope = caller(request)
    fields = {k: v for k, v in payload.dict().items() if k not in ("name", "version") and v is not None}
    moved = services.move_case(
        scope, services.get_case(scope, case_id), name=payload.name, version=payload.version, **fields
    )
    return present.case_out(services.get_case(scope, moved.pk), scope)


@op(router.post, "/shops/{shop_id}/returns", "shop.match_return", response=ShopCaseOut)
def match_return(request, shop_id: int, payload: ShopReturnIn):
    scope = caller(request)
    found = services.match_return(
        scope,
        services.get_shop(scope, shop_id),
        tracking_no=payload.tracking_no,
        buyer_wangwang=payload.buyer_wangwang,
        note_in_parcel=payload.note_in_parcel,
    )
    return present.case_out(found, scope)


@op(router.get, "/problems", "shop.problems", response=list[ShopProblemEntryOut])
def problems(request):
    return [_problem_out(e) for e in services.problems(caller(request))[:500]]


@op(router.post, "/problems", "shop.add_problem", response={201: ShopProblemEntryOut})
def add_problem(request, payload: ShopProblemEntryIn):
    return 201, _problem_out(services.add_problem(caller(request), payload.text))


@op(router.post, "/problems/hand-in", "shop.hand_in", response=ShopCountOut)
def hand_in(request, payload: ShopHandInIn):
    return {"count": services.hand_in_week(caller(request), payload.week)}


@op(router.post, "/problems/consolidate", "shop.consolidate", response=ShopCountOut)
def consolidate(request, payload: ShopConsolidateIn):
    return {"count": services.consolidate(caller(request), entry_ids=payload.ids, note=payload.note)}


@op(router.get, "/stats", "shop.stats", response=list[ShopStatOut])
def stats(request, start: date, end: date):
    return [present.stat_out(s) for s in services.stats(caller(request), start=start, end=end)[:2000]]


@op(router.post, "/stats", "shop.record_stat", response={201: ShopStatOut})
def record_stat(request, payload: ShopStatIn):
    return 201, present.stat_out(
        services.record_stat(caller(request), day=payload.day, served=payload.served, bought=payload.bought)
    )


class ShopReviewIn(Schema):
    rating: str = Field(..., max_length=10, description="mid（中评）/ bad（差评）")
    text: str = Field(..., max_length=500)


class ShopReviewOut(Schema):
    id: int
    order_no: str
    rating: str
    text: str
    cause: str
    state: str
    state_label: str
    compensation: Decimal
    handler_no: str
    version: int


class ShopReviewTransitionIn(Schema):
    name: str = Field(
        ...,
        max_length=40,
        description="diagnose / call_answered / call_unanswered / send_sms / "
        "no_reply / offer / agree / revised / give_up",
    )
    version: int | None = None
    cause: str | None = Field(None, max_length=20, description="novice / unhappy / cannot_use")
    note: str | None = Field(None, max_length=300)
    amount: str | None = Field(None, max_length=20)


class ShopComplaintIn(Schema):
    order_no: str = Field("", max_length=40)
    batch_no: str = Field("", max_length=40)
    specification: str = Field(..., max_length=60)
    quantity: str = Field(..., max_length=10)
    defective_quantity: str = Field("0", max_length=10)
    sample_attached: bool = False
    request: str = Field(..., max_length=500)


class ShopComplaintOut(Schema):
    id: int
    order_no: str
    batch_no: str
    specification: str
    quantity: int
    defective_quantity: int
    sample_attached: bool
    request: str
    state: str
    state_label: str
    accepted_on: date
    close_due: date
    overdue: bool
    report_due: date | None
    report_late: bool
    version: int


class ShopComplaintTransitionIn(Schema):
    name: str = Field(..., max_length=40, description="investigate / report / close / review")
    version: int | None = None
    note: str | None = Field(None, max_length=300)
    report: str | None = Field(None, max_length=2000)
    result: str | None = Field(None, max_length=500)


class ShopMonthlyReviewOut(Schema):
    due: date
    complaints: list[ShopComplaintOut]


def _review_out(r) -> dict:
    from .machine import REVIEW

    return {
        "id": r.pk,
        "order_no": r.order.order_no,
        "rating": r.rating,
        "text": r.text,
        "cause": r.cause,
        "state": r.state,
        "state_label": str(REVIEW.state_label(r.state)),
        "compensation": r.compensation,
        "handler_no": r.handler.staff_no if r.handler_id else "",
        "version": r.version,
    }


def _complaint_out(c) -> dict:
    from django.utils import timezone

    from .machine import COMPLAINT

    return {
        "id": c.pk,
        "order_no": c.order.order_no if c.order_id else "",
        "batch_no": c.batch_no,
        "specification": c.specification,
        "quantity": c.quantity,
        "defective_quantity": c.defective_quantity,
        "sample_attached": c.sample_attached,
        "request": c.request,
        "state": c.state,
        "state_label": str(COMPLAINT.state_label(c.state)),
        "accepted_on": c.accepted_on,
        "version": c.version,
        **services.complaint_deadlines(c, timezone.localdate()),
    }


def _given(payload, *skip) -> dict:
    return {k: v for k, v in payload.dict().items() if k not in ("name", "version", *skip) and v is not None}


@op(router.get, "/reviews", "shop.reviews", response=list[ShopReviewOut])
def reviews(request):
    return [_review_out(r) for r in services.reviews(caller(request))[:500]]


@op(router.post, "/orders/{order_id}/reviews", "shop.open_review", response={201: ShopReviewOut})
def open_review(request, order_id: int, payload: ShopReviewIn):
    scope = caller(request)
    made = services.open_review(scope, services.get_order(scope, order_id), rating=payload.rating, text=payload.text)
    return 201, _review_out(made)


@op(router.post, "/reviews/{review_id}/transition", "shop.move_review", response=ShopReviewOut)
def move_review(request, review_id: int, payload: ShopReviewTransitionIn):
    scope = caller(request)
    moved = services.move_review(
        scope, services.get_review(scope, review_id), name=payload.name, version=payload.version, **_given(payload)
    )
    return _review_out(services.get_review(scope, moved.pk))


@op(router.get, "/complaints", "shop.complaints", response=list[ShopComplaintOut])
def complaints(request):
    return [_complaint_out(c) for c in services.complaints(caller(request))[:500]]


@op(router.post, "/shops/{shop_id}/complaints", "shop.open_complaint", response={201: ShopComplaintOut})
def open_complaint(request, shop_id: int, payload: ShopComplaintIn):
    scope = caller(request)
    return 201, _complaint_out(
        services.open_complaint(scope, shop=services.get_shop(scope, shop_id), data=payload.dict())
    )


@op(router.post, "/complaints/{complaint_id}/transition", "shop.move_complaint", response=ShopComplaintOut)
def move_complaint(request, complaint_id: int, payload: ShopComplaintTransitionIn):
    scope = caller(request)
    moved = services.move_complaint(
        scope,
        services.get_complaint(scope, complaint_id),
        name=payload.name,
        version=payload.version,
        **_given(payload),
    )
    return _complaint_out(services.get_complaint(scope, moved.pk))


@op(router.get, "/complaints/monthly-review", "shop.monthly_review", response=ShopMonthlyReviewOut)
def monthly_review(request, month: str):
    due, found = services.monthly_review(caller(request), _month(month))
    return {"due": due, "complaints": [_complaint_out(c) for c in found]}


class ShopChatImportOut(Schema):
    messages: int
    sessions: int
    replaced: int


class ShopChatKpiOut(Schema):
    agent: str | None
    day: date
    sessions: int
    mean_first_reply: float | None
    within_rule: float | None
    mean_response: float | None
    conversion: float | None


@op(router.post, "/shops/{shop_id}/chats", "shop.import_chats", response=ShopChatImportOut)
def import_chats(request, shop_id: int, file: File[UploadedFile]):
    """The chat tool's CSV export (会话ID,买家,客服,发送方,时间[,内容]): all or nothing, idempotent, line numbers."""
    scope = caller(request)
    return services.import_chats(scope, shop=services.get_shop(scope, shop_id), raw=file.read()).__dict__


@op(router.get, "/shops/{shop_id}/chat-kpis", "shop.chat_kpis", response=list[ShopChatKpiOut])
def chat_kpis(request, shop_id: int, start: date, end: date):
    """Per agent and day: sessions, first reply and the share within the first-reply rule (9 s, 001:L149), mean
    response, conversion from session to order."""
    scope = caller(request)
    if (end - start).days > 92 or end < start:
        from kefu.errors import RuleViolation

        raise RuleViolation.of("shop.chat.range", field="end", start=start, end=end)
    return services.chat_kpis(scope, shop=services.get_shop(scope, shop_id), start=start, end=end)
