"""The shop desk's use cases: every write goes through here, inside a transaction, refusing bad input with a
message code naming the field and the rule (kefu/shop/messages.py) and changing nothing.

Reads of buyers' data (name, phone, address, payment account) leave an audit record; the scope (kefu/scope.py)
limits every query to the caller's center, and after-sales handlers to their department's cases.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from kefu.audit.crypto import digest
from kefu.audit.models import AuditRecord
from kefu.audit.services import record
from kefu.errors import Problem, RuleViolation
from kefu.messages import Msg
from kefu.org.models import Staff
from kefu.org.policy import policy_for
from kefu.org.roles import Role
from kefu.workflow import fire

from . import rules
from .machine import CASE, COMPLAINT, OPEN, REVIEW
from .models import (
    AfterSalesCase,
    BadReview,
    CaseEvent,
    ChatSession,
    Complaint,
    ComplaintEvent,
    OrderEvent,
    OrderLine,
    ProblemEntry,
    ReviewEvent,
    ServiceStat,
    Shop,
    ShopOrder,
)

MAX_IMPORT_ROWS = 100_000
LEAD_ROLES = (Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER)
MAX_IMPORT_BYTES = 50 * 1024 * 1024


def policy(center) -> dict:
    return policy_for("shop", center)


def scheme_of(shop: Shop) -> dict:
    p = policy(shop.center)
    return (
        p["flag_schemes"].get(shop.flag_scheme or p["default_flag_scheme"])
        or p["flag_schemes"][p["default_flag_scheme"]]
    )


def refuse(issues: list[rules.Issue], status: int = 400) -> RuleViolation:
    return RuleViolation.many([Problem.of(i.code, field=i.field, **dict(i.params)) for i in issues], status=status)


def _event(order: ShopOrder, code: str, scope, **params) -> None:
    OrderEvent.objects.create(
        order=order,
        code=code,
        params=Msg(code, **params).as_data()["params"],
        actor=getattr(scope, "staff", None),
        at=timezone.now(),
    )


def _audit_write(scope, object_type: str, ids, note: str) -> None:
    record(
        getattr(scope, "request", None),
        AuditRecord.Action.WRITE,
        object_type=object_type,
        ids=ids,
        note=note,
        channel=AuditRecord.Channel.SYSTEM,
        user=scope.user,
    )


def audit_read(scope, *, object_type: str, ids, fields: str) -> None:
    """Every response or page carrying buyers' data leaves a read record (DEVELOPERS.md, privacy)."""
    ids = list(ids)
    if ids:
        record(
            getattr(scope, "request", None),
            AuditRecord.Action.READ,
            object_type=object_type,
            ids=ids,
            fields=fields,
            channel=AuditRecord.Channel.PAGE,
            user=scope.user,
        )


# --- shops ---------------------------------------------------------------------------------------------------------
def shops(scope):
    return scope.filter(Shop.objects.all()).order_by("code")


def get_shop(scope, pk: int) -> Shop:
    return scope.get(Shop.objects.all(), "店铺", pk=pk)


def create_shop(scope, *, code: str, name: str, flag_scheme: str = "", after_sales=None) -> Shop:
    code, name = (code or "").strip(), (name or "").strip()
    issues = []
    if not code:
        issues.append(rules.Issue("code", "shop.confirm.required", {"label": rules.label("shop_code")}))
    if not name:
        issues.append(rules.Issue("name", "shop.confirm.required", {"label": rules.label("shop_name")}))
    if flag_scheme and flag_scheme not in policy(scope.center)["flag_schemes"]:
        issues.append(rules.Issue("flag_scheme", "shop.shop.unknown_scheme", {"value": flag_scheme}))
    if code and Shop.objects.filter(center=scope.center, code=code).exists():
        issues.append(rules.Issue("code", "shop.shop.duplicate", {"code": code}))
    if issues:
        raise refuse(issues)
    return Shop.objects.create(
        center=scope.center, code=code, name=name, flag_scheme=flag_scheme, after_sales=after_sales
    )


# --- orders --------------------------------------------------------------------------------------------------------
def orders(scope, shop: Shop | None = None):
    qs = scope.filter(ShopOrder.objects.select_related("shop", "owner", "follow_up"))
    return qs.filter(shop=shop) if shop is not None else qs


def get_order(scope, pk: int) -> ShopOrder:
    return scope.get(ShopOrder.objects.select_related("shop", "owner", "follow_up"), "订单", pk=pk)


def _staff_by_no(center, staff_no: str) -> Staff | None:
    return Staff.objects.filter(center=center, staff_no=staff_no.strip()).first() if staff_no else None


def _check_version(obj, version) -> None:
    if version is not None and int(version) != obj.version:
        raise RuleViolation.of(
            "workflow.version_conflict", field="version", status=409, current=obj.version, given=version
        )


@transaction.atomic
def create_order(scope, *, shop: Shop, data: dict) -> ShopOrder:
    """An order entered by hand (a phone order, or one the export has not yet brought)."""
    order_no = str(data.get("order_no") or "").strip()
    buyer = str(data.get("buyer_wangwang") or "").strip()
    issues = []
    if not order_no:
        issues.append(rules.Issue("order_no", "shop.confirm.required", {"label": rules.label("order_no")}))
    if not buyer:
        issues.append(rules.Issue("buyer_wangwang", "shop.confirm.required", {"label": rules.label("buyer_wangwang")}))
    amount = _decimal(data.get("amount", "0"))
    if amount is None or amount < 0:
        issues.append(rules.Issue("amount", "shop.order.amount", {"value": str(data.get("amount"))}))
    payment = data.get("payment") or ShopOrder.Payment.UNPAID
    if payment not in ShopOrder.Payment.values:
        issues.append(rules.Issue("payment", "shop.order.payment", {"value": payment}))
    if order_no and ShopOrder.objects.filter(shop=shop, order_no=order_no).exists():
        issues.append(rules.Issue("order_no", "shop.order.duplicate", {"order_no": order_no}))
    if issues:
        raise refuse(issues)
    now = timezone.now()
    owner = scope.staff
    order = ShopOrder.objects.create(
        center=shop.center,
        shop=shop,
        order_no=order_no,
        buyer_wangwang=buyer,
        payment=payment,
        auto_placed=bool(data.get("auto_placed")),
        placed_at=now,
        paid_at=now if payment != ShopOrder.Payment.UNPAID else None,
        amount=amount,
        owner=owner,
        follow_up=owner,
        source=ShopOrder.Source.ENTERED,
    )
    _event(order, "shop.order.event.entered", scope)
    _audit_write(scope, "shop_order", [order.pk], "shop.order.create")
    return order


@transaction.atomic
def confirm_order(scope, order: ShopOrder, *, form: dict, version=None) -> ShopOrder:
    """The confirmation form (000:L223-229, 003:L48-54) made right after payment: the 9 fields checked, then the
    order's line, contact and logistics set from it (003:L47 付款成功第一时间制作出订单确认表)."""
    locked = ShopOrder.objects.select_for_update().get(pk=order.pk)
    _check_version(locked, version)
    issues = rules.validate_confirmation(form, policy(locked.center)["couriers"])
    if not issues and locked.payment == ShopOrder.Payment.UNPAID:
        issues.append(rules.Issue("payment", "shop.confirm.unpaid", {"order_no": locked.order_no}))
    if issues:
        raise refuse(issues)
    clean = {k: str(form.get(k) or "").strip() for k in rules.CONFIRMATION_FIELDS}
    line = locked.lines.filter(item_no=clean["item_no"]).first() or locked.lines.order_by("id").first()
    if line is None:
        line = OrderLine(order=locked)
    line.item_no, line.size, line.colour, line.quantity = (
        clean["item_no"],
        clean["size"],
        clean["colour"],
        int(clean["quantity"]),
    )
    line.save()
    phone = rules.normal_phone(clean["phone"])
    locked.contact_name, locked.phone, locked.phone_digest = clean["contact"], phone, digest(phone)
    locked.address, locked.logistics, locked.confirmation_note = clean["address"], clean["logistics"], clean["note"]
    locked.confirmed_at = timezone.now()
    locked.version += 1
    locked.save()
    _event(locked, "shop.order.event.confirmed", scope, item_no=clean["item_no"], logistics=clean["logistics"])
    _audit_write(scope, "shop_order", [locked.pk], "shop.order.confirm")
    return locked


def remark_parts(data: dict) -> rules.RemarkParts:
    refund = _decimal(data.get("refund") or "0")
    return rules.RemarkParts(
        agent=str(data.get("agent") or "").strip(),
        courier=str(data.get("courier") or "").strip(),
        delay_reason=str(data.get("delay_reason") or "").strip(),
        gift=str(data.get("gift") or "").strip(),
        refund=refund if refund else None,
        other=str(data.get("other") or "").strip(),
    )


@transaction.atomic
def set_remark(scope, order: ShopOrder, *, data: dict, version=None) -> ShopOrder:
    """The remark builder: the caller's own mark (工号 or name, by the shop's scheme, 003:L21/L135) and the parts
    in the seeds' order (003:L61); the flag by the shop's scheme (003:L56-60 vs L146)."""
    locked = ShopOrder.objects.select_for_update().select_related("shop__center").get(pk=order.pk)
    _check_version(locked, version)
    scheme = scheme_of(locked.shop)
    refund = _decimal(data.get("refund") or "0")
    issues = []
    if refund is None or refund < 0:
        issues.append(rules.Issue("refund", "shop.remark.refund", {"value": str(data.get("refund"))}))
    elif refund > locked.amount:
        issues.append(rules.Issue("refund", "shop.remark.refund_over", {"value": refund, "amount": locked.amount}))
    courier = str(data.get("courier") or "").strip()
    if courier and courier not in policy(locked.center)["couriers"]:
        issues.append(
            rules.Issue(
                "courier", "shop.confirm.courier", {"value": courier, "couriers": policy(locked.center)["couriers"]}
            )
        )
    for name, limit in (("delay_reason", 60), ("gift", 40), ("other", 100)):
        if len(str(data.get(name) or "")) > limit:
            issues.append(rules.Issue(name, "shop.confirm.too_long", {"label": rules.label(name), "max": limit}))
    if issues:
        raise refuse(issues)
    mark = rules.agent_mark(scheme, scope.staff.staff_no, scope.staff.name)
    parts = remark_parts({**data, "agent": mark})
    text = rules.build_remark(parts, scheme)
    if len(text) > 300:
        raise refuse([rules.Issue("other", "shop.confirm.too_long", {"label": rules.label("remark"), "max": 300})])
    flag, _colours = rules.flags_for(parts, scheme)
    locked.remark, locked.remark_agent, locked.remark_flag = text, mark, flag
    if locked.owner_id is None:
        locked.owner = scope.staff
    locked.version += 1
    locked.save()
    _event(locked, "shop.order.event.remarked", scope, flag=Msg(f"shop.flag.{flag}"))
    return locked


def write_exchange_order(scope, case: AfterSalesCase, *, tracking_no: str, now: datetime) -> ShopOrder:
    """An exchange: the handwritten order at once, its remark carrying the tracking number with the exchange flag
    (003:L249 换货的,第一时间手写单,发给客户,并以小黄旗备注单号)."""
    original = case.order
    scheme = scheme_of(original.shop)
    parts = rules.RemarkParts(exchange_tracking=tracking_no)
    flag, _ = rules.flags_for(parts, scheme)
    order_no = f"{original.order_no}-H{case.pk}"
    made, _created = ShopOrder.objects.update_or_create(
        shop=original.shop,
        order_no=order_no,
        defaults=dict(
            center=original.center,
            buyer_wangwang=original.buyer_wangwang,
            payment=ShopOrder.Payment.SHIPPED,
            placed_at=now,
            paid_at=now,
            amount=Decimal("0"),
            owner=original.owner,
            follow_up=case.handler,
            contact_name=original.contact_name,
            phone=original.phone,
            phone_digest=original.phone_digest,
            address=original.address,
            logistics=original.logistics,
            tracking_no=tracking_no,
            remark=rules.build_remark(parts, scheme),
            remark_flag=flag,
            source=ShopOrder.Source.HANDWRITTEN,
            exchange_of=case,
        ),
    )
    for line in original.lines.all():
        OrderLine.objects.create(
            order=made,
            item_no=line.item_no,
            title=line.title,
            size=line.size,
            colour=line.colour,
            quantity=line.quantity,
            price=Decimal("0"),
        )
    _event(made, "shop.order.event.handwritten", scope, order_no=original.order_no, tracking_no=tracking_no)
    return made


# --- the platform's order export (CSV) ------------------------------------------------------------------------------
COLUMNS = {  # header in the export → our name
    "订单编号": "order_no",
    "买家会员名": "buyer_wangwang",
    "订单状态": "status",
    "订单创建时间": "placed_at",
    "订单付款时间": "paid_at",
    "买家实际支付金额": "amount",
    "收货人姓名": "contact",
    "联系手机": "phone",
    "收货地址": "address",
    "商家编码": "item_no",
    "宝贝标题": "title",
    "尺码": "size",
    "颜色": "colour",
    "数量": "quantity",
    "单价": "price",
    "物流公司": "logistics",
    "物流单号": "tracking_no",
    "订单备注": "remark",
    "自动拍下": "auto_placed",
    "接待客服": "owner",
}
REQUIRED_COLUMNS = ("订单编号", "买家会员名", "订单状态", "订单创建时间", "买家实际支付金额", "商家编码", "数量")
STATUSES = {
    "等待买家付款": "unpaid",
    "买家已付款，等待卖家发货": "paid",
    "买家已付款": "paid",
    "卖家已发货，等待买家确认": "shipped",
    "卖家已发货": "shipped",
    "交易成功": "completed",
    "交易关闭": "closed",
}
ORDER_FIELDS = (
    "buyer_wangwang",
    "payment",
    "placed_at",
    "paid_at",
    "amount",
    "contact_name",
    "phone",
    "address",
    "logistics",
    "tracking_no",
    "auto_placed",
    "owner_no",
    "remark",
)
YES = {"是", "1", "true", "TRUE", "True", "Y", "y", "yes"}
NO = {"否", "0", "false", "FALSE", "False", "N", "n", "no", ""}


def decode(raw: bytes) -> str | None:
    """The export's text: UTF-8 (with or without BOM) or GB18030, as Taobao's seller centre writes it."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _decimal(value) -> Decimal | None:
    try:
        found = Decimal(str(value).strip().replace(",", "").replace("¥", "").replace("￥", ""))
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() else None


def _moment(text: str) -> datetime | None:
    text = (text or "").strip().replace("/", "-")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return timezone.make_aware(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: int = 0


def _line_issue(line: int, field: str, code: str, **params) -> rules.Issue:
    return rules.Issue(field, code, {"line": line, **params})


def parse_orders(text: str, center) -> tuple[dict[str, dict], list[rules.Issue]]:
    """Rows of the export grouped by order number (one row per item), every problem with its line number."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return {}, [_line_issue(1, "file", "shop.import.empty")]
    header = [h.strip() for h in header]
    missing = [h for h in REQUIRED_COLUMNS if h not in header]
    if missing:
        return {}, [_line_issue(1, "file", "shop.import.missing_columns", columns=missing)]
    index = {COLUMNS[h]: i for i, h in enumerate(header) if h in COLUMNS}
    staff = {s.staff_no: s.pk for s in Staff.objects.filter(center=center)}
    found: dict[str, dict] = {}
    issues: list[rules.Issue] = []
    count = 0
    for number, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        count += 1
        if count > MAX_IMPORT_ROWS:
            issues.append(_line_issue(number, "file", "shop.import.too_many", max=MAX_IMPORT_ROWS))
            break
        if len(row) != len(header):
            issues.append(_line_issue(number, "file", "shop.import.columns", expected=len(header), got=len(row)))
            continue
        get = lambda name: row[index[name]].strip() if name in index else ""  # noqa: E731
        order_no, buyer = get("order_no"), get("buyer_wangwang")
        bad = len(issues)
        if not order_no or len(order_no) > 40:
            issues.append(_line_issue(number, "order_no", "shop.import.order_no", value=order_no))
        if not buyer or len(buyer) > 60:
            issues.append(_line_issue(number, "buyer_wangwang", "shop.import.buyer", value=buyer))
        status = STATUSES.get(get("status"), get("status") if get("status") in ShopOrder.Payment.values else None)
        if status is None:
            issues.append(_line_issue(number, "status", "shop.import.status", value=get("status")))
        placed = _moment(get("placed_at"))
        if placed is None:
            issues.append(
                _line_issue(number, "placed_at", "shop.import.time", column="订单创建时间", value=get("placed_at"))
            )
        paid = _moment(get("paid_at")) if get("paid_at") else None
        if get("paid_at") and paid is None:
            issues.append(
                _line_issue(number, "paid_at", "shop.import.time", column="订单付款时间", value=get("paid_at"))
            )
        if status and status != "unpaid" and status != "closed" and not get("paid_at"):
            issues.append(_line_issue(number, "paid_at", "shop.import.paid_missing", value=get("status")))
        amount = _decimal(get("amount"))
        if amount is None or amount < 0:
            issues.append(_line_issue(number, "amount", "shop.import.amount", value=get("amount")))
        quantity = get("quantity")
        if not quantity.isdigit() or not 1 <= int(quantity) <= rules.MAX_QUANTITY:
            issues.append(_line_issue(number, "quantity", "shop.import.quantity", value=quantity))
        price = _decimal(get("price") or "0")
        if price is None or price < 0:
            issues.append(_line_issue(number, "price", "shop.import.amount", value=get("price")))
        item_no = get("item_no")
        if not item_no or len(item_no) > 40:
            issues.append(_line_issue(number, "item_no", "shop.import.item_no", value=item_no))
        phone = get("phone")
        if phone and rules.normal_phone(phone) is None:
            issues.append(_line_issue(number, "phone", "shop.import.phone", value=phone))
        logistics = get("logistics")
        auto = get("auto_placed")
        if auto not in YES | NO:
            issues.append(_line_issue(number, "auto_placed", "shop.import.yes_no", value=auto))
        owner_no = get("owner")
        if owner_no and owner_no not in staff:
            issues.append(_line_issue(number, "owner", "shop.import.staff", value=owner_no))
        if (
            len(get("remark")) > 300
            or len(get("address")) > 200
            or len(get("contact")) > 40
            or len(logistics) > 20
            or len(get("tracking_no")) > 40
            or len(get("title")) > 120
            or len(get("size")) > 20
            or len(get("colour")) > 20
        ):
            issues.append(_line_issue(number, "file", "shop.import.too_long"))
        if len(issues) > bad:
            continue
        fields = {
            "buyer_wangwang": buyer,
            "payment": status,
            "placed_at": placed,
            "paid_at": paid,
            "amount": amount,
            "contact_name": get("contact"),
            "phone": rules.normal_phone(phone) if phone else "",
            "address": get("address"),
            "logistics": logistics,
            "tracking_no": get("tracking_no"),
            "auto_placed": auto in YES,
            "owner_no": owner_no,
            "remark": get("remark"),
        }
        line = {
            "item_no": item_no,
            "title": get("title"),
            "size": get("size"),
            "colour": get("colour"),
            "quantity": int(quantity),
            "price": price,
        }
        if order_no in found:
            first = found[order_no]
            differing = [k for k in ORDER_FIELDS if first["fields"][k] != fields[k]]
            if differing:
                issues.append(
                    _line_issue(
                        number, differing[0], "shop.import.order_disagrees", order_no=order_no, first_line=first["line"]
                    )
                )
                continue
            first["lines"].append(line)
        else:
            found[order_no] = {"line": number, "fields": fields, "lines": [line]}
    if not issues and not found:
        issues.append(_line_issue(2, "file", "shop.import.empty"))
    return found, issues


def _current(order: ShopOrder) -> tuple:
    lines = [
        (line.item_no, line.title, line.size, line.colour, line.quantity, line.price) for line in order.lines.all()
    ]
    return (
        order.buyer_wangwang,
        order.payment,
        order.placed_at,
        order.paid_at,
        order.amount,
        order.contact_name,
        order.phone,
        order.address,
        order.logistics,
        order.tracking_no,
        order.auto_placed,
        order.owner.staff_no if order.owner_id else "",
        order.remark,
        lines,
    )


def import_orders(scope, *, shop: Shop, raw: bytes, on_duty: Staff | None = None) -> ImportResult:
    """The platform's order export: all or nothing (every line checked before anything is written), idempotent
    (an order number already imported is updated in place, an identical one left alone), errors with their line.
    Follow-up: the agent who served the buyer (谁的顾客谁跟进); an auto-placed order without one goes to the
    on-duty agent the caller names (003:L45 当天的值班客服; L297 当天的晚班客服)."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise refuse([rules.Issue("file", "shop.import.too_large", {"max_mb": MAX_IMPORT_BYTES // 1024 // 1024})])
    text = decode(raw)
    if text is None:
        raise refuse([rules.Issue("file", "shop.import.encoding", {})])
    found, issues = parse_orders(text, shop.center)
    if issues:
        raise refuse(issues[:50])
    staff = {s.staff_no: s for s in Staff.objects.filter(center=shop.center)}
    result = ImportResult()
    with transaction.atomic():
        existing = {
            o.order_no: o
            for o in ShopOrder.objects.select_for_update(of=("self",))
            .filter(shop=shop, order_no__in=list(found))
            .select_related("owner")
            .prefetch_related("lines")
        }
        for order_no, data in found.items():
            f = data["fields"]
            owner = staff.get(f["owner_no"]) if f["owner_no"] else None
            parts = rules.parse_remark(f["remark"]) if f["remark"] else None
            lines = [
                (x["item_no"], x["title"], x["size"], x["colour"], x["quantity"], x["price"]) for x in data["lines"]
            ]
            values = dict(
                buyer_wangwang=f["buyer_wangwang"],
                payment=f["payment"],
                placed_at=f["placed_at"],
                paid_at=f["paid_at"],
                amount=f["amount"],
                contact_name=f["contact_name"],
                phone=f["phone"],
                phone_digest=digest(f["phone"]) if f["phone"] else "",
                address=f["address"],
                logistics=f["logistics"],
                tracking_no=f["tracking_no"],
                auto_placed=f["auto_placed"],
                owner=owner,
            )
            if parts is not None:
                values.update(
                    remark=f["remark"], remark_agent=parts.agent, remark_flag=rules.flags_for(parts, scheme_of(shop))[0]
                )
            order = existing.get(order_no)
            if order is not None:
                wanted = (
                    f["buyer_wangwang"],
                    f["payment"],
                    f["placed_at"],
                    f["paid_at"],
                    f["amount"],
                    f["contact_name"],
                    f["phone"],
                    f["address"],
                    f["logistics"],
                    f["tracking_no"],
                    f["auto_placed"],
                    f["owner_no"],
                    f["remark"] if parts is not None else order.remark,
                    lines,
                )
                if _current(order) == wanted:
                    result.unchanged += 1
                    continue
                for k, v in values.items():
                    setattr(order, k, v)
                if order.follow_up_id is None:
                    order.follow_up = owner or (on_duty if f["auto_placed"] else None)
                order.version += 1
                order.save()
                order.lines.all().delete()
                result.updated += 1
                _event(order, "shop.order.event.reimported", scope)
            else:
                order = ShopOrder.objects.create(
                    center=shop.center,
                    shop=shop,
                    order_no=order_no,
                    source=ShopOrder.Source.IMPORTED,
                    follow_up=owner or (on_duty if f["auto_placed"] else None),
                    **values,
                )
                result.created += 1
                _event(order, "shop.order.event.imported", scope)
            OrderLine.objects.bulk_create([OrderLine(order=order, **x) for x in data["lines"]])
            result.lines += len(data["lines"])
        _audit_write(scope, "shop_order", [shop.pk], f"shop.import created={result.created} updated={result.updated}")
    return result


# --- commission -----------------------------------------------------------------------------------------------------
def month_span(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, datetime.min.time()), tz),
        timezone.make_aware(datetime.combine(end, datetime.min.time()), tz),
    )


SOLD = (ShopOrder.Payment.PAID, ShopOrder.Payment.SHIPPED, ShopOrder.Payment.COMPLETED)


def commission_month(scope, *, shop: Shop, month: date) -> list[rules.AgentCommission]:
    """The month's commission per agent (orders paid in the month and not closed): remarked orders earn the rate,
    the ones an agent served without remarking earn nothing and are shown (003:L21)."""
    start, end = month_span(month)
    sold = orders(scope, shop).filter(payment__in=SOLD, paid_at__gte=start, paid_at__lt=end, amount__gt=0)
    rows = [
        rules.SoldOrder(
            o.order_no,
            o.amount,
            o.remark_agent,
            rules.agent_mark(scheme_of(shop), o.owner.staff_no, o.owner.name) if o.owner else "",
        )
        for o in sold
    ]
    return rules.monthly_commission(rows, Decimal(str(policy(scope.center)["commission_rate"])))


def commission_workbook(shop: Shop, *, month: date, rows: list[rules.AgentCommission]) -> bytes:
    """The monthly report as Excel: numbers stay numbers (amounts as numbers with two decimals)."""
    from openpyxl import Workbook

    from kefu.web.sheets import append

    book = Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}"
    append(
        sheet, ["店铺", "月份", "客服", "已备注订单数", "已备注金额", "提成", "未备注订单数", "未备注金额（无提成）"]
    )
    for r in rows:
        append(
            sheet,
            [
                shop.name,
                f"{month:%Y-%m}",
                r.agent,
                r.remarked_orders,
                float(r.remarked_amount),
                float(r.commission),
                r.unremarked_orders,
                float(r.unremarked_amount),
            ],
        )
    for col in ("E", "F", "H"):
        for cell in sheet[col][1:]:
            cell.number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- after-sales cases ----------------------------------------------------------------------------------------------
def cases(scope):
    return scope.filter(AfterSalesCase.objects.select_related("order", "shop", "handler"), department="department")


def get_case(scope, pk: int) -> AfterSalesCase:
    return scope.get(
        AfterSalesCase.objects.select_related("order", "shop", "handler"), "售后单", department="department", pk=pk
    )


FACT_FLAGS = (
    "tags_on",
    "packaging_complete",
    "washed_or_worn",
    "damaged_by_buyer",
    "special_size",
    "preorder",
    "food",
    "opened",
    "freight_collect",
    "signed_without_inspection",
)


@transaction.atomic
def open_case(scope, order: ShopOrder, *, data: dict) -> AfterSalesCase:
    """A return, exchange, refund or compensation registered by the agent, typed by reason; the eligibility rules
    and who pays shipping decided at once (kefu/shop/rules.check_return); the buyer's payment account encrypted
    (003:L249 登记好客户的旺旺ID、支付宝账号、客户姓名、金额)."""
    kind, reason = data.get("kind"), data.get("reason")
    issues = []
    if kind not in AfterSalesCase.Kind.values:
        issues.append(rules.Issue("kind", "shop.case.kind", {"value": str(kind)}))
    if reason not in AfterSalesCase.Reason.values:
        issues.append(rules.Issue("reason", "shop.case.reason", {"value": str(reason)}))
    received = data.get("received_on")
    if isinstance(received, str):
        try:
            received = date.fromisoformat(received)
        except ValueError:
            received = None
    today = timezone.localdate()
    if not isinstance(received, date) or received > today:
        issues.append(rules.Issue("received_on", "shop.case.received_on", {"value": str(data.get("received_on"))}))
    amount = _decimal(data.get("amount") or "0")
    if amount is None or amount < 0 or amount > order.amount:
        issues.append(
            rules.Issue(
                "amount",
                "shop.case.amount_over_order",
                {"amount": str(data.get("amount")), "paid": order.amount, "refunded": 0},
            )
        )
    account = str(data.get("payment_account") or "").strip()
    if kind in ("return", "refund", "compensation") and not account:
        issues.append(
            rules.Issue("payment_account", "shop.confirm.required", {"label": rules.label("payment_account")})
        )
    if len(account) > 100 or len(str(data.get("buyer_name") or "")) > 40:
        issues.append(
            rules.Issue(
                "payment_account", "shop.confirm.too_long", {"label": rules.label("payment_account"), "max": 100}
            )
        )
    if order.payment == ShopOrder.Payment.UNPAID:
        issues.append(rules.Issue("order", "shop.case.unpaid", {"order_no": order.order_no}))
    if issues:
        raise refuse(issues)
    facts = {k: bool(data.get(k, k in ("tags_on", "packaging_complete"))) for k in FACT_FLAGS}
    p = policy(order.center)
    verdict = rules.check_return(
        rules.ReturnFacts(reason=reason, days_since_receipt=(today - received).days, **facts), p["return_window_days"]
    )
    case = AfterSalesCase.objects.create(
        center=order.center,
        shop=order.shop,
        order=order,
        department=order.shop.after_sales,
        kind=kind,
        reason=reason,
        facts={**facts, "received_on": received.isoformat()},
        refusals=[Msg(i.code, **dict(i.params)).as_data() for i in verdict.refusals],
        outbound_payer=verdict.outbound_payer,
        return_payer=verdict.return_payer,
        buyer_wangwang=order.buyer_wangwang,
        buyer_name=str(data.get("buyer_name") or "").strip(),
        payment_account=account,
        amount=amount,
        created_by=scope.staff,
        created_at=timezone.now(),
    )
    CaseEvent.objects.create(
        case=case,
        code="shop.case.event.opened",
        to_state=case.state,
        actor=scope.staff,
        at=case.created_at,
        params={
            "eligible": verdict.eligible,
            "kind": {"code": f"shop.kind.{kind}", "params": {}},
            "reason": {"code": f"shop.reason.{reason}", "params": {}},
        },
    )
    _audit_write(scope, "shop_case", [case.pk], "shop.case.open")
    return case


def move_case(scope, case: AfterSalesCase, *, name: str, version=None, **fields) -> AfterSalesCase:
    return fire(CASE, scope, case, name, version=version, **fields)


@transaction.atomic
def match_return(
    scope, shop: Shop, *, tracking_no: str, buyer_wangwang: str, note_in_parcel: bool, version=None
) -> AfterSalesCase:
    """The buyer sends the return's tracking number: it is matched to the buyer's open case awaiting a return in
    this shop, and without a note in the parcel the case goes to after-sales with the number and the Wangwang name
    (003:L191-192 我把您的单号和旺旺名字给售后同事)."""
    tracking_no, buyer = (tracking_no or "").strip(), (buyer_wangwang or "").strip()
    issues = []
    if not tracking_no.isalnum() or not 6 <= len(tracking_no) <= 40:
        issues.append(rules.Issue("tracking_no", "shop.case.tracking_no", {"value": tracking_no}))
    if not buyer:
        issues.append(rules.Issue("buyer_wangwang", "shop.confirm.required", {"label": rules.label("buyer_wangwang")}))
    if issues:
        raise refuse(issues)
    candidates = list(
        scope.filter(AfterSalesCase.objects.filter(shop=shop, buyer_wangwang=buyer, state="awaiting_return")).order_by(
            "created_at"
        )
    )
    if not candidates:
        raise refuse([rules.Issue("buyer_wangwang", "shop.case.no_open_case", {"buyer": buyer})], status=404)
    if len(candidates) > 1:
        raise refuse(
            [rules.Issue("buyer_wangwang", "shop.case.several_open", {"buyer": buyer, "count": len(candidates)})]
        )
    case = candidates[0]
    AfterSalesCase.objects.filter(pk=case.pk).update(note_in_parcel=note_in_parcel)
    case.refresh_from_db()
    return fire(CASE, scope, case, "return_shipped", version=version, tracking_no=tracking_no)


# --- the notebooks (003:L16-18) -------------------------------------------------------------------------------------
def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def add_problem(scope, text: str) -> ProblemEntry:
    """问题登记本: every problem or idea written down as it comes (003:L16 每遇到一个问题或想法马上记录下来)."""
    text = (text or "").strip()
    if not text:
        raise refuse([rules.Issue("text", "shop.confirm.required", {"label": rules.label("problem")})])
    if len(text) > 2000:
        raise refuse([rules.Issue("text", "shop.confirm.too_long", {"label": rules.label("problem"), "max": 2000})])
    now = timezone.now()
    return ProblemEntry.objects.create(
        center=scope.center, author=scope.staff, written_at=now, week=week_of(timezone.localdate(now)), text=text
    )


@transaction.atomic
def hand_in_week(scope, week: date) -> int:
    """The agent hands the week's book to the person in charge (003:L16 每周将本子交给负责人)."""
    week = week_of(week)
    return ProblemEntry.objects.filter(
        center=scope.center, author=scope.staff, week=week, handed_in_at__isnull=True
    ).update(handed_in_at=timezone.now())


@transaction.atomic
def consolidate(scope, *, entry_ids: list[int], note: str) -> int:
    """The team lead consolidates handed-in entries with a note (003:L16 负责人汇总处理)."""
    note = (note or "").strip()
    if not note:
        raise refuse([rules.Issue("note", "shop.confirm.required", {"label": rules.label("lead_note")})])
    if len(note) > 300:
        raise refuse([rules.Issue("note", "shop.confirm.too_long", {"label": rules.label("lead_note"), "max": 300})])
    found = scope.filter(ProblemEntry.objects.filter(pk__in=entry_ids))
    not_handed = [e.pk for e in found if e.handed_in_at is None]
    if len(found) != len(set(entry_ids)) or not_handed:
        raise refuse([rules.Issue("entries", "shop.problem.not_handed_in", {"count": len(set(entry_ids))})])
    return found.update(consolidated_at=timezone.now(), consolidated_by=scope.staff, lead_note=note)


@transaction.atomic
def record_stat(scope, *, day: date, served, bought) -> ServiceStat:
    """服务统计本 (003:L17): the agent's served and bought count for a day (one row per agent and day, rewritten)."""
    try:
        served, bought = int(served), int(bought)
    except (TypeError, ValueError):
        raise refuse([rules.Issue("served", "shop.stat.number", {})]) from None
    issues = rules.service_stat_issues(served, bought)
    if day > timezone.localdate():
        issues.append(rules.Issue("day", "shop.stat.future", {"day": day}))
    if issues:
        raise refuse(issues)
    stat, _ = ServiceStat.objects.update_or_create(
        staff=scope.staff, day=day, defaults=dict(center=scope.center, served=served, bought=bought)
    )
    return stat


def open_case_count(scope) -> int:
    return cases(scope).filter(state__in=OPEN).count()


def problems(scope):
    """The problem register: an agent sees their own entries; a team lead sees the handed-in ones of the center."""
    qs = scope.filter(ProblemEntry.objects.select_related("author", "consolidated_by"))
    if scope.has(*LEAD_ROLES):
        return qs.filter(handed_in_at__isnull=False) | qs.filter(author=scope.staff)
    return qs.filter(author=scope.staff)


def stats(scope, *, start: date, end: date):
    """Daily service statistics between two days: one's own, or everyone's for a team lead."""
    qs = scope.filter(ServiceStat.objects.select_related("staff")).filter(day__gte=start, day__lte=end)
    return qs if scope.has(*LEAD_ROLES) else qs.filter(staff=scope.staff)


# --- bad reviews (中差评), 003:L250-264 ---------------------------------------------------------------------------
def reviews(scope):
    return scope.filter(BadReview.objects.select_related("order", "shop", "handler"))


def get_review(scope, pk: int) -> BadReview:
    return scope.get(BadReview.objects.select_related("order", "shop"), "中差评", pk=pk)


@transaction.atomic
def open_review(scope, order: ShopOrder, *, rating: str, text: str) -> BadReview:
    """A mid or bad review found on the morning check (003:L142), registered against its order."""
    text = (text or "").strip()
    issues = []
    if rating not in BadReview.Rating.values:
        issues.append(rules.Issue("rating", "shop.review.rating", {"value": str(rating)}))
    if not text:
        issues.append(rules.Issue("text", "shop.confirm.required", {"label": rules.label("review_text")}))
    elif len(text) > 500:
        issues.append(rules.Issue("text", "shop.confirm.too_long", {"label": rules.label("review_text"), "max": 500}))
    if issues:
        raise refuse(issues)
    now = timezone.now()
    review = BadReview.objects.create(
        center=order.center,
        shop=order.shop,
        order=order,
        rating=rating,
        text=text,
        created_by=scope.staff,
        created_at=now,
    )
    ReviewEvent.objects.create(
        review=review,
        code="shop.review.event.opened",
        to_state=review.state,
        actor=scope.staff,
        at=now,
        params={"rating": {"code": f"shop.rating.{rating}", "params": {}}},
    )
    return review


def move_review(scope, review: BadReview, *, name: str, version=None, now=None, **fields) -> BadReview:
    return fire(REVIEW, scope, review, name, version=version, now=now, **fields)


# --- complaints (客户投诉处理表), 002:L115-161 -----------------------------------------------------------------------
def complaints(scope):
    return scope.filter(Complaint.objects.select_related("order", "shop"))


def get_complaint(scope, pk: int) -> Complaint:
    return scope.get(Complaint.objects.select_related("order", "shop"), "投诉", pk=pk)


@transaction.atomic
def open_complaint(scope, *, shop: Shop, data: dict) -> Complaint:
    """The complaint's intake fields (002:L121-125, L139: order, batch, specification, quantity, sample)."""
    issues = []
    spec = str(data.get("specification") or "").strip()
    request = str(data.get("request") or "").strip()
    if not spec or len(spec) > 60:
        issues.append(rules.Issue("specification", "shop.confirm.required", {"label": rules.label("specification")}))
    if not request or len(request) > 500:
        issues.append(rules.Issue("request", "shop.confirm.required", {"label": rules.label("request")}))
    numbers = {}
    for name in ("quantity", "defective_quantity"):
        raw = str(data.get(name) if data.get(name) is not None else ("0" if name == "defective_quantity" else ""))
        if not raw.strip().isdigit():
            issues.append(rules.Issue(name, "shop.complaint.number", {"label": rules.label(name), "value": raw}))
        else:
            numbers[name] = int(raw)
    if len(numbers) == 2 and (numbers["quantity"] < 1 or numbers["defective_quantity"] > numbers["quantity"]):
        issues.append(rules.Issue("defective_quantity", "shop.complaint.defective", numbers))
    order = None
    if data.get("order_no"):
        order = ShopOrder.objects.filter(shop=shop, order_no=str(data["order_no"]).strip()).first()
        if order is None:
            issues.append(rules.Issue("order_no", "shop.complaint.order", {"value": str(data["order_no"])}))
    if len(str(data.get("batch_no") or "")) > 40:
        issues.append(rules.Issue("batch_no", "shop.confirm.too_long", {"label": rules.label("batch_no"), "max": 40}))
    if issues:
        raise refuse(issues)
    now = timezone.now()
    complaint = Complaint.objects.create(
        center=shop.center,
        shop=shop,
        order=order,
        batch_no=str(data.get("batch_no") or "").strip(),
        specification=spec,
        quantity=numbers["quantity"],
        defective_quantity=numbers["defective_quantity"],
        sample_attached=bool(data.get("sample_attached")),
        request=request,
        accepted_on=timezone.localdate(now),
        created_by=scope.staff,
    )
    ComplaintEvent.objects.create(
        complaint=complaint,
        code="shop.complaint.event.opened",
        to_state="accepted",
        actor=scope.staff,
        at=now,
        params={},
    )
    return complaint


def move_complaint(scope, complaint: Complaint, *, name: str, version=None, now=None, **fields) -> Complaint:
    return fire(COMPLAINT, scope, complaint, name, version=version, now=now, **fields)


def complaint_deadlines(complaint: Complaint, today: date) -> dict:
    """Its due days and flags: closure by acceptance + 6 days (002:L148), the report by investigation + 3 (L141)."""
    p = policy(complaint.center)
    report_due = (
        rules.investigation_report_due(complaint.investigated_on, p["investigation_report_days"])
        if complaint.investigated_on
        else None
    )
    return {
        "close_due": rules.complaint_close_due(complaint.accepted_on, p["complaint_close_days"]),
        "overdue": rules.complaint_overdue(
            complaint.accepted_on, complaint.closed_on, today, p["complaint_close_days"]
        ),
        "report_due": report_due,
        "report_late": bool(report_due and (complaint.reported_on or today) > report_due),
    }


def monthly_review(scope, month: date) -> tuple[date, list[Complaint]]:
    """Last month's closed complaints the GM office reviews, and the day it must be done by (002:L160 每月10日前)."""
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    due = rules.monthly_review_due(start, policy(scope.center)["monthly_review_day"])
    found = complaints(scope).filter(closed_on__gte=start, closed_on__lt=end, state="closed")
    return due, list(found)


# --- chat sessions (the shop's chat tool export), 001:L149 --------------------------------------------------------
@dataclass
class ChatImportResult:
    messages: int = 0
    sessions: int = 0
    replaced: int = 0


def import_chats(scope, *, shop: Shop, raw: bytes) -> ChatImportResult:
    """The chat tool's CSV export: every line checked first (line numbers in errors), then the sessions measured and
    written in one transaction; a session already imported is replaced (importing again changes nothing)."""
    from . import chat

    if len(raw) > MAX_IMPORT_BYTES * 4:
        raise refuse([rules.Issue("file", "shop.import.too_large", {"max_mb": MAX_IMPORT_BYTES * 4 // 1024 // 1024})])
    text = decode(raw)
    if text is None:
        raise refuse([rules.Issue("file", "shop.import.encoding", {})])
    messages, problems = chat.read(text.encode())
    if problems:
        raise refuse([rules.Issue(p.field, p.code, {"line": p.line, "value": p.value}) for p in problems])
    per_session = chat.sessions(messages)
    tz = timezone.get_current_timezone()
    rows = [
        ChatSession(
            center=shop.center,
            shop=shop,
            session=r["session"],
            buyer=r["buyer"][:60],
            agent_no=(r["agent"] or "")[:60],
            started_at=timezone.make_aware(r["started_at"], tz),
            messages=r["messages"],
            buyer_messages=r["buyer_messages"],
            first_reply_seconds=r["first_reply_seconds"],
            mean_response_seconds=r["mean_response_seconds"],
        )
        for r in per_session.iter_rows(named=True)
    ]
    ids = [r.session for r in rows]
    with transaction.atomic():
        replaced = 0
        for start in range(0, len(ids), 5000):
            replaced += ChatSession.objects.filter(shop=shop, session__in=ids[start : start + 5000]).delete()[0]
        ChatSession.objects.bulk_create(rows, batch_size=5000)
        _audit_write(scope, "shop_chat", [shop.pk], f"shop.chat.import sessions={len(rows)}")
    return ChatImportResult(messages=messages.height, sessions=len(rows), replaced=replaced)


def chat_kpis(scope, *, shop: Shop, start: date, end: date) -> list[dict]:
    """Per agent and day between two days: sessions, first reply and the 9-second rule (policy first_reply_seconds,
    001:L149), response time and conversion from session to order."""
    import polars as pl

    from . import chat

    lo = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    hi = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    tz = timezone.get_current_timezone()
    found = list(
        scope.filter(ChatSession.objects.filter(shop=shop, started_at__gte=lo, started_at__lt=hi)).values_list(
            "session", "buyer", "agent_no", "started_at", "first_reply_seconds", "mean_response_seconds"
        )
    )
    if not found:
        return []
    sessions = pl.DataFrame(
        [(s, b, a, timezone.localtime(t, tz).replace(tzinfo=None), f, m) for s, b, a, t, f, m in found],
        schema={
            "session": pl.String,
            "buyer": pl.String,
            "agent": pl.String,
            "started_at": pl.Datetime("us"),
            "first_reply_seconds": pl.Float64,
            "mean_response_seconds": pl.Float64,
        },
        orient="row",
    )
    placed = list(
        orders(scope, shop)
        .filter(placed_at__gte=lo, placed_at__lt=hi + timedelta(days=1))
        .values_list("buyer_wangwang", "placed_at")
    )
    order_frame = pl.DataFrame(
        [(b, timezone.localtime(t, tz).replace(tzinfo=None)) for b, t in placed],
        schema={"buyer": pl.String, "placed_at": pl.Datetime("us")},
        orient="row",
    )
    rule = policy(scope.center)["first_reply_seconds"]
    return list(chat.agent_kpis(sessions, order_frame, rule).iter_rows(named=True))
