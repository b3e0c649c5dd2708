"""The e-commerce service desk's rules as pure functions: plain data in, plain data out, no Django import.

Every number comes from the caller (the shop's policy, kefu/shop/policy.py); each function names the seed lines it
implements. A refusal is an `Issue` (field, message code, parameters): the services turn it into a Problem and the
message catalogue (kefu/shop/messages.py) words it in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Issue:
    field: str | None
    code: str
    params: Mapping = field(default_factory=dict)


def label(name: str) -> dict:
    """A field's label as stored message data (rendered from the catalogue's shop.field.<name>)."""
    return {"code": f"shop.field.{name}", "params": {}}


# --- the order confirmation form (客户订单信息确认表), 000:L223-229 = 003:L48-54 --------------------------------
CONFIRMATION_FIELDS = ("item_no", "size", "colour", "quantity", "note", "address", "logistics", "phone", "contact")
CONFIRMATION_REQUIRED = ("item_no", "size", "colour", "quantity", "address", "logistics", "phone", "contact")
CONFIRMATION_MAX = {
    "item_no": 40,
    "size": 20,
    "colour": 20,
    "note": 200,
    "address": 200,
    "logistics": 20,
    "phone": 20,
    "contact": 40,
}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
MAX_QUANTITY = 999


def normal_phone(raw: str) -> str | None:
    """A mainland mobile (11 digits from 13x-19x) or a landline with its area code; None when it is neither."""
    text = re.sub(r"[\s()（）]", "", raw or "")
    if text.startswith("+86"):
        text = text[3:]
    return text if (MOBILE.match(text) or LANDLINE.match(text)) else None


def validate_confirmation(form: Mapping[str, object], couriers: Sequence[str]) -> list[Issue]:
    """The 9 fields of the confirmation form (货号/尺码/颜色/数量/备注/收货地址/物流方式/联系电话/联系人,
    000:L223-229, 003:L48-54): all but 备注 required; quantity a whole number 1-999; a phone that can be dialled;
    a courier the shop ships with. Every problem at once."""
    issues: list[Issue] = []
    for name in CONFIRMATION_FIELDS:
        value = form.get(name)
        text = "" if value is None else str(value).strip()
        if not text:
            if name in CONFIRMATION_REQUIRED:
                issues.append(Issue(name, "shop.confirm.required", {"label": label(name)}))
            continue
        limit = CONFIRMATION_MAX.get(name)
        if limit and len(text) > limit:
            issues.append(Issue(name, "shop.confirm.too_long", {"label": label(name), "max": limit}))
        elif name == "quantity":
            if not re.fullmatch(r"\d+", text) or not 1 <= int(text) <= MAX_QUANTITY:
                issues.append(Issue(name, "shop.confirm.quantity", {"value": text, "max": MAX_QUANTITY}))
        elif name == "phone" and normal_phone(text) is None:
            issues.append(Issue(name, "shop.confirm.phone", {"value": text}))
        elif name == "logistics" and text not in couriers:
            issues.append(Issue(name, "shop.confirm.courier", {"value": text, "couriers": list(couriers)}))
    return issues


# --- the order remark (备注) and its flag (小旗), 003:L21, L55-61, L135, L146, L249, L276, L299-300, L316, L328 ----
@dataclass(frozen=True)
class RemarkParts:
    """What an order remark says, in the seeds' fixed order: agent, courier, delay reason, gifts and refund."""

    agent: str = ""  # the agent's mark: staff number ("1") or name, as the shop's scheme says
    courier: str = ""  # a special courier request (顺丰)
    delay_reason: str = ""  # why shipping waits (尺码未确认)
    gift: str = ""  # 小礼品
    refund: Decimal | None = None  # yuan given back to the buyer
    exchange_tracking: str = ""  # an exchange's tracking number (003:L249 小黄旗备注单号)
    other: str = ""

    def kinds(self) -> list[str]:
        """Which flag meanings apply: courier, delay, gift_refund, exchange, other (standard when none)."""
        found = [
            k
            for k, v in (
                ("courier", self.courier),
                ("delay", self.delay_reason),
                ("gift_refund", self.gift or self.refund),
                ("exchange", self.exchange_tracking),
                ("other", self.other),
            )
            if v
        ]
        return found or ["standard"]


def agent_mark(scheme: Mapping, staff_no: str, name: str) -> str:
    """003:L21 备注自己的工号 (number) or 003:L135 写上自己的姓名 (name): the shop's scheme says which."""
    return staff_no if scheme.get("agent_mark", "number") == "number" else name


def _yuan(amount: Decimal) -> str:
    return format(amount.normalize(), "f") if amount == amount.to_integral() else format(amount, "f")


def build_remark(parts: RemarkParts, scheme: Mapping) -> str:
    """The remark in the seeds' order (003:L61 标注顺序): "1号客服、发顺丰快递、由于尺码未确认等确定了再发货(需先填写单号)、
    赠送小礼品并退还5元钱". An agent given by name is written "张三客服" (003:L146 **客服)."""
    segments = []
    if parts.agent:
        segments.append(
            f"{parts.agent}号客服" if scheme.get("agent_mark", "number") == "number" else f"{parts.agent}客服"
        )
    if parts.courier:
        segments.append(f"发{parts.courier}快递")
    if parts.delay_reason:
        segments.append(f"由于{parts.delay_reason}等确定了再发货(需先填写单号)")
    gift = f"赠送{parts.gift}" if parts.gift else ""
    refund = f"退还{_yuan(parts.refund)}元钱" if parts.refund else ""
    if gift or refund:
        segments.append("并".join(s for s in (gift, refund) if s))
    if parts.exchange_tracking:
        segments.append(f"换货单号{parts.exchange_tracking}")
    if parts.other:
        segments.append(parts.other)
    return "、".join(segments)


REMARK_PATTERN = re.compile(
    r"^(?:(?P<agent>[^、]+?)号?客服)?(?:、?发(?P<courier>[^、]+?)快递)?"
    r"(?:、?由于(?P<delay>[^、]+?)等确定了再发货(?:\(需先填写单号\))?)?"
    r"(?:、?(?:赠送(?P<gift>[^、并]+))?(?:并?退还(?P<refund>\d+(?:\.\d+)?)元钱?)?)?"
    r"(?:、?换货单号(?P<exchange>\w+))?(?:、?(?P<other>.+))?$"
)


def parse_remark(text: str) -> RemarkParts:
    """The parts of a remark written in the seeds' order (the platform export carries it as text; 003:L61).
    A remark that does not start with an agent mark has no agent: no commission for that order (003:L21)."""
    found = REMARK_PATTERN.match((text or "").strip())
    if not found:
        return RemarkParts(other=(text or "").strip())
    g = found.groupdict()
    return RemarkParts(
        agent=(g["agent"] or "").strip(),
        courier=g["courier"] or "",
        delay_reason=g["delay"] or "",
        gift=g["gift"] or "",
        refund=Decimal(g["refund"]) if g["refund"] else None,
        exchange_tracking=g["exchange"] or "",
        other=g["other"] or "",
    )


def flags_for(parts: RemarkParts, scheme: Mapping) -> tuple[str, list[str]]:
    """The flag colours a remark calls for under the shop's scheme, and the one flag to set (a platform order carries
    one flag): the first by the scheme's precedence. 003:L56-60 (红 标准单, 黄 快递特殊要求, 绿 延时发货, 蓝 赠品退款,
    紫 其他) versus 003:L146/L328 (红 退款改单号, 绿 自己的销售记录) and L249/L409 (黄 换货单号)."""
    colours = scheme["colours"]
    kinds = parts.kinds() + (["agent"] if parts.agent else [])
    wanted = [colours[k] for k in kinds if colours.get(k)]
    ordered = [k for k in scheme.get("precedence", []) if k in kinds and colours.get(k)]
    primary = colours[ordered[0]] if ordered else (wanted[0] if wanted else "")
    return primary, list(dict.fromkeys(wanted))


# --- commission (提成), 003:L21 ------------------------------------------------------------------------------------
def order_commission(amount: Decimal, remark_agent: str, rate: Decimal) -> Decimal:
    """An order earns commission only when the agent remarked it (003:L21 如没备注,少算的提成自己承担损失)."""
    if not remark_agent:
        return Decimal("0.00")
    return (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SoldOrder:
    order_no: str
    amount: Decimal
    remark_agent: str  # the agent named in the remark ("" when none)
    owner: str  # the agent who served the buyer ("" when unknown)


@dataclass
class AgentCommission:
    agent: str
    remarked_orders: int = 0
    remarked_amount: Decimal = Decimal("0.00")
    commission: Decimal = Decimal("0.00")
    unremarked_orders: int = 0  # orders this agent served but did not remark: no commission (003:L21)
    unremarked_amount: Decimal = Decimal("0.00")


def monthly_commission(orders: Iterable[SoldOrder], rate: Decimal) -> list[AgentCommission]:
    """A month's commission per agent: remarked orders earn `rate` of their amount; orders served but not remarked
    are listed beside them and earn nothing (003:L21)."""
    table: dict[str, AgentCommission] = {}
    for o in orders:
        if o.remark_agent:
            row = table.setdefault(o.remark_agent, AgentCommission(o.remark_agent))
            row.remarked_orders += 1
            row.remarked_amount += o.amount
            row.commission += order_commission(o.amount, o.remark_agent, rate)
        elif o.owner:
            row = table.setdefault(o.owner, AgentCommission(o.owner))
            row.unremarked_orders += 1
            row.unremarked_amount += o.amount
    return [table[k] for k in sorted(table)]


# --- print and ship batches, 003:L143 and 001:L304 -------------------------------------------------------------
def ship_batch(paid: time, cutoffs: Sequence[tuple[str, str]]) -> str | None:
    """The batch a paid order goes out with: the first cutoff the payment is strictly before ("12点之前", 003:L143;
    "10点之前…16点之前", 001:L304). None: after the last cutoff, it ships the next day (17点以后下单第二天发货)."""
    for cutoff, label in cutoffs:
        if paid < time.fromisoformat(cutoff):
            return label
    return None


# --- bad-review work windows, 003:L144, L263, L326 -------------------------------------------------------------
def review_task(moment: time, windows: Sequence[Mapping]) -> str | None:
    """What bad-review work this time of day is for: each window [start, end) has a channel (phone 11:00-12:00 and
    15:00-16:30, SMS 20:00-21:00 by the night shift, 003:L144). None outside every window."""
    for w in windows:
        if time.fromisoformat(w["start"]) <= moment < time.fromisoformat(w["end"]):
            return w["channel"]
    return None


# --- the three notebooks: conversion, 003:L17 ------------------------------------------------------------------
def conversion_rate(served: int, bought: int) -> Decimal | None:
    """服务统计本: customers bought / customers served, in per cent to one decimal (10 of 50 = 20.0). None when
    nobody was served. Bought more than served is a contradiction the caller must refuse first."""
    if served <= 0:
        return None
    return (Decimal(bought) * 100 / Decimal(served)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def service_stat_issues(served: int, bought: int) -> list[Issue]:
    issues = []
    if served < 0:
        issues.append(Issue("served", "shop.stat.negative", {"label": label("served")}))
    if bought < 0:
        issues.append(Issue("bought", "shop.stat.negative", {"label": label("bought")}))
    if not issues and bought > served:
        issues.append(Issue("bought", "shop.stat.bought_over_served", {"served": served, "bought": bought}))
    return issues


# --- sizes, 003:L91-93 ------------------------------------------------------------------------------------------
def size_for_usual(usual: str, mapping: Mapping[str, str]) -> str | None:
    """The shop's size for the size a buyer usually wears (咱家28对应的就是L码, 003:L93)."""
    return mapping.get(str(usual).strip())


def size_for_measure(measure: Decimal, chart: Sequence[tuple[str, Decimal]], allowance: Decimal) -> str | None:
    """The smallest size whose chart value holds the buyer's measurement plus the allowance (客户实际测量的数据+5,
    003:L91). `chart` is ordered small to large. None when even the largest is too small."""
    wanted = Decimal(measure) + Decimal(allowance)
    for size, value in chart:
        if Decimal(value) >= wanted:
            return size
    return None


# --- returns, exchanges and refunds, 000:L244, 003:L69, L99, L249, L305-309 -----------------------------------
REASONS = ("quality", "dislike", "usage", "wrong_item", "logistics")
SHOP, BUYER = "shop", "buyer"


@dataclass(frozen=True)
class ReturnFacts:
    reason: str  # one of REASONS
    days_since_receipt: int
    tags_on: bool = True
    packaging_complete: bool = True
    washed_or_worn: bool = False
    damaged_by_buyer: bool = False
    special_size: bool = False  # 预定特殊尺码
    preorder: bool = False  # 代购 / pre-ordered
    food: bool = False
    opened: bool = False  # 开瓶、使用痕迹 (food)
    freight_collect: bool = False  # the return comes 到付 (cash on delivery for the freight)
    signed_without_inspection: bool = False  # transit damage signed for without checking the parcel


@dataclass(frozen=True)
class ReturnVerdict:
    eligible: bool
    refusals: tuple[Issue, ...]
    outbound_payer: str  # who pays the original shipping back to the buyer / the reship
    return_payer: str  # who pays the parcel coming back


def shipping_payers(reason: str, signed_without_inspection: bool = False) -> tuple[str, str]:
    """Who pays shipping (outbound, return), from the reason: quality or a wrong item, the shop both ways (003:L249
    质量问题我们承担来回运费); dislike or usage, the buyer both ways (003:L99, L308 非质量问题,买家承担往返快递费);
    transit damage, the shop, unless the buyer signed without inspecting: then the buyer pays the return (003:L309)."""
    if reason in ("quality", "wrong_item"):
        return SHOP, SHOP
    if reason == "logistics":
        return SHOP, (BUYER if signed_without_inspection else SHOP)
    return BUYER, BUYER


def check_return(facts: ReturnFacts, window_days: int) -> ReturnVerdict:
    """Whether a return or exchange is accepted, every refusal at once:
    - more than `window_days` (7) after receipt (003:L306 (1); 7天无理由 003:L99, 000:L244);
    - washed, worn, damaged by the buyer, tags removed or packaging incomplete (000:L244; 003:L99 不影响二次销售);
      a quality, wrong-item or transit-damage case is not refused for wear it did not cause, but still for washing;
    - a pre-ordered special size or a proxy purchase, never (000:L244 所有预定特殊尺码、代购商品等恕不退换);
    - food opened or showing use (003:L306 (2));
    - a return sent freight collect (003:L307 不接受快递到付件)."""
    if facts.reason not in REASONS:
        raise ValueError(facts.reason)
    refusals = []
    if facts.days_since_receipt > window_days:
        refusals.append(
            Issue(
                "days_since_receipt",
                "shop.return.over_window",
                {"days": facts.days_since_receipt, "window": window_days},
            )
        )
    if facts.washed_or_worn:
        refusals.append(Issue("washed_or_worn", "shop.return.washed", {}))
    non_quality = facts.reason in ("dislike", "usage")
    if non_quality and not facts.tags_on:
        refusals.append(Issue("tags_on", "shop.return.tags_removed", {}))
    if non_quality and not facts.packaging_complete:
        refusals.append(Issue("packaging_complete", "shop.return.packaging", {}))
    if facts.damaged_by_buyer:
        refusals.append(Issue("damaged_by_buyer", "shop.return.damaged", {}))
    if facts.special_size or facts.preorder:
        refusals.append(Issue("special_size", "shop.return.special_order", {}))
    if facts.food and facts.opened:
        refusals.append(Issue("opened", "shop.return.food_opened", {}))
    if facts.freight_collect:
        refusals.append(Issue("freight_collect", "shop.return.freight_collect", {}))
    outbound, back = shipping_payers(facts.reason, facts.signed_without_inspection)
    return ReturnVerdict(not refusals, tuple(refusals), outbound, back)


# --- complaint extras of the after-sales handbook, 002:L141, L148, L160 and the 60-minute dispatch 002:L255 -----
def complaint_close_due(accepted: date, days: int) -> date:
    """结案 within `days` (6) days of acceptance by after-sales (002:L148)."""
    return accepted + timedelta(days=days)


def investigation_report_due(investigated: date, days: int) -> date:
    """The investigation report reaches the deputy GM within `days` (3) days of the investigation (002:L141)."""
    return investigated + timedelta(days=days)


def complaint_overdue(accepted: date, closed: date | None, today: date, days: int) -> bool:
    """Overdue: not closed by the due day (closed after it, or still open after it)."""
    due = complaint_close_due(accepted, days)
    return (closed or today) > due


def monthly_review_due(month: date, day: int) -> date:
    """The GM office reviews last month's closed complaints by the 10th of the next month (002:L160)."""
    nxt = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    return nxt.replace(day=day)


def dispatch_breached(accepted: datetime, dispatched: datetime | None, now: datetime, minutes: int) -> bool:
    """Every accepted complaint is dispatched within `minutes` (60) (002:L255): 60 minutes is in time, 61 late."""
    return ((dispatched or now) - accepted) > timedelta(minutes=minutes)


# --- the shipping promise and promotions, 000:L299, 001:L285-287, L303, L306 -----------------------------------
def add_working_days(day: date, n: int, is_working: Callable[[date], bool]) -> date:
    current = day
    while n > 0:
        current += timedelta(days=1)
        if is_working(current):
            n -= 1
    return current


def shipping_promise(
    paid: date, ship_days: int, deliver: tuple[int, int], is_working: Callable[[date], bool]
) -> tuple[date, date, date]:
    """What the agent promises (000:L299 1-3个工作日内发货, 3-7个工作日能收到货): shipped by the `ship_days`-th working
    day after payment; delivered between the deliver[0]-th and deliver[1]-th working day after payment."""
    return (
        add_working_days(paid, ship_days, is_working),
        add_working_days(paid, deliver[0], is_working),
        add_working_days(paid, deliver[1], is_working),
    )


def promotion_price(price: Decimal, reductions: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The price after the best 满X减Y the amount reaches (001:L285-287: 450 满450减90 → 360); the listed price is
    already discounted (全场六折), so nothing else applies."""
    best = max((Decimal(off) for floor, off in reductions if price >= Decimal(floor)), default=Decimal(0))
    return Decimal(price) - best


def coupon_for(amount: Decimal, tiers: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The coupon an order earns for next time: the highest tier reached (001:L303 满500送20, 满2000送50,
    满5000送200)."""
    earned = [Decimal(value) for floor, value in tiers if Decimal(amount) >= Decimal(floor)]
    return max(earned, default=Decimal(0))


SMS_FIELDS = ("name", "date", "goods", "tracking_no", "pickup", "agent", "shop")


def shipping_sms(template: str, **values) -> str:
    """The shipping notice sent by Wangwang and by SMS (001:L306), filled from the shop's template. A date is
    written 2026年12月7日. A value missing from `values` is refused (ValueError), never sent as a placeholder."""
    shown = {}
    for key, value in values.items():
        shown[key] = f"{value.year}年{value.month}月{value.day}日" if isinstance(value, date) else str(value)
    try:
        return template.format_map(shown)
    except KeyError as missing:
        raise ValueError(str(missing)) from None
