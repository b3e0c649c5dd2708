"""The shop's pure rules against the seeds' worked examples (requirements-A_000_001.md §9 and B_002_003.md §9):
each test names its fixture and seed line; the numbers were worked out by hand from the seed text."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from kefu.shop import rules
from kefu.shop.policy import PRESETS

SHOP = PRESETS["ecommerce"]
SCHEME_1 = SHOP["flag_schemes"]["mingmei"]  # 003 第一篇 / 000: red agent flag, colours L56-60
SCHEME_2 = SHOP["flag_schemes"]["shangmifang"]  # 003 第二篇: name + green flag, red refund, yellow exchange


# A T10 / B T5 — the 9-field confirmation form (000:L223-229, 003:L48-54)
GOOD_FORM = {
    "item_no": "MM-2031",
    "size": "L",
    "colour": "藏青",
    "quantity": "2",
    "note": "",
    "address": "浙江省杭州市西湖区文三路 100 号",
    "logistics": "申通",
    "phone": "13800138000",
    "contact": "王女士",
}


def test_confirmation_form_has_the_nine_fields_of_the_seed():  # 000:L223-229
    assert rules.CONFIRMATION_FIELDS == (
        "item_no",
        "size",
        "colour",
        "quantity",
        "note",
        "address",
        "logistics",
        "phone",
        "contact",
    )
    assert rules.validate_confirmation(GOOD_FORM, SHOP["couriers"]) == []


def test_confirmation_missing_phone_is_refused_naming_the_field():  # 003:L48-54 (B T5)
    issues = rules.validate_confirmation({**GOOD_FORM, "phone": " "}, SHOP["couriers"])
    assert [(i.field, i.code) for i in issues] == [("phone", "shop.confirm.required")]


@pytest.mark.parametrize(
    "name, value, code",
    [
        ("quantity", "0", "shop.confirm.quantity"),
        ("quantity", "1000", "shop.confirm.quantity"),
        ("quantity", "2.5", "shop.confirm.quantity"),
        ("phone", "1380013800", "shop.confirm.phone"),
        ("phone", "12800138000", "shop.confirm.phone"),
        ("logistics", "火箭", "shop.confirm.courier"),
        ("address", "长" * 201, "shop.confirm.too_long"),
        ("contact", "", "shop.confirm.required"),
    ],
)
def test_confirmation_refusals(name, value, code):  # 000:L223-229
    issues = rules.validate_confirmation({**GOOD_FORM, name: value}, SHOP["couriers"])
    assert [(i.field, i.code) for i in issues] == [(name, code)]


def test_confirmation_boundaries_accepted():  # 000:L223-229
    for name, value in (
        ("quantity", "1"),
        ("quantity", "999"),
        ("phone", "0571-88886666"),
        ("phone", "+86 139 0013 8000"),
        ("address", "长" * 200),
    ):
        assert rules.validate_confirmation({**GOOD_FORM, name: value}, SHOP["couriers"]) == [], (name, value)


# A T9 / B T6 — the remark in its fixed order (000:L236, 003:L61)
SEED_REMARK = "1号客服、发顺丰快递、由于尺码未确认等确定了再发货(需先填写单号)、赠送小礼品并退还5元钱"


def test_remark_builder_writes_the_seeds_order():  # 003:L61, 000:L236
    parts = rules.RemarkParts(agent="1", courier="顺丰", delay_reason="尺码未确认", gift="小礼品", refund=Decimal("5"))
    assert rules.build_remark(parts, SCHEME_1) == SEED_REMARK


def test_remark_parser_reads_the_seed_example():  # 003:L61 (B T6)
    parts = rules.parse_remark(SEED_REMARK)
    assert (parts.agent, parts.courier, parts.delay_reason, parts.gift, parts.refund) == (
        "1",
        "顺丰",
        "尺码未确认",
        "小礼品",
        Decimal("5"),
    )
    assert rules.parse_remark("发圆通快递").agent == ""
    assert rules.parse_remark("12号客服").agent == "12"
    assert rules.parse_remark("12号客服、退还2.5元钱").refund == Decimal("2.5")


def test_remark_by_name_for_the_green_flag_scheme():  # 003:L135, L146 (**客服、发圆通快递…)
    parts = rules.RemarkParts(
        agent="小美", courier="圆通", delay_reason="库存未确认", gift="小礼品", refund=Decimal("5")
    )
    assert rules.build_remark(parts, SCHEME_2) == (
        "小美客服、发圆通快递、由于库存未确认等确定了再发货(需先填写单号)、赠送小礼品并退还5元钱"
    )
    assert rules.agent_mark(SCHEME_2, "1", "小美") == "小美" and rules.agent_mark(SCHEME_1, "1", "小美") == "1"


def test_flag_colours_follow_the_shops_scheme():  # 003:L56-60 versus L146, L249 (the seeds disagree)
    seed = rules.parse_remark(SEED_REMARK)
    primary, colours = rules.flags_for(seed, SCHEME_1)
    assert primary == "green" and colours == ["yellow", "green", "blue", "red"]  # delay first: do not ship yet
    assert rules.flags_for(rules.RemarkParts(agent="1"), SCHEME_1) == ("red", ["red"])  # 003:L21 小红旗, 标准单
    assert rules.flags_for(rules.RemarkParts(agent="小美"), SCHEME_2) == ("green", ["green"])  # 003:L135
    assert rules.flags_for(rules.RemarkParts(agent="小美", refund=Decimal(5)), SCHEME_2)[0] == "red"  # 003:L146


def test_exchange_remark_carries_the_tracking_number_with_a_yellow_flag():  # 003:L249 (B T9)
    parts = rules.RemarkParts(exchange_tracking="1200458258899")
    assert rules.build_remark(parts, SCHEME_2) == "换货单号1200458258899"
    assert rules.flags_for(parts, SCHEME_2)[0] == "yellow"
    assert rules.parse_remark("换货单号1200458258899").exchange_tracking == "1200458258899"


# B T7 — no remark, no commission (003:L21)
def test_order_without_agent_remark_earns_no_commission():  # 003:L21
    rate = Decimal("0.02")
    assert rules.order_commission(Decimal("199.00"), "", rate) == Decimal("0.00")
    assert rules.order_commission(Decimal("199.00"), "1", rate) == Decimal("3.98")
    month = rules.monthly_commission(
        [
            rules.SoldOrder("A1", Decimal("100.00"), "1", "1"),
            rules.SoldOrder("A2", Decimal("250.50"), "1", "1"),
            rules.SoldOrder("A3", Decimal("80.00"), "", "1"),  # served by 1, not remarked: lost
            rules.SoldOrder("A4", Decimal("60.00"), "2", "1"),  # remarked by 2: 2's commission
            rules.SoldOrder("A5", Decimal("10.00"), "", ""),  # nobody: nobody's
        ],
        rate,
    )
    assert [
        (r.agent, r.remarked_orders, r.remarked_amount, r.commission, r.unremarked_orders, r.unremarked_amount)
        for r in month
    ] == [
        ("1", 2, Decimal("350.50"), Decimal("7.01"), 1, Decimal("80.00")),
        ("2", 1, Decimal("60.00"), Decimal("1.20"), 0, Decimal("0.00")),
    ]


# B T3 — print batches (003:L143); A T19 — ship batches (001:L304)
@pytest.mark.parametrize(
    "paid, batch",
    [("11:59", "12点前"), ("12:00", "15点"), ("14:00", "15点"), ("16:59", "17点"), ("17:00", None), ("17:01", None)],
)
def test_print_batches(paid, batch):  # 003:L143
    assert rules.ship_batch(time.fromisoformat(paid), SHOP["print_batches"]) == batch


@pytest.mark.parametrize("paid, batch", [("09:59", "上午"), ("10:00", "下午"), ("15:00", "下午"), ("16:30", None)])
def test_two_daily_ship_batches(paid, batch):  # 001:L304
    cutoffs = [("10:00", "上午"), ("16:00", "下午")]
    assert rules.ship_batch(time.fromisoformat(paid), cutoffs) == batch


# B T4 — bad-review work windows (003:L144)
@pytest.mark.parametrize(
    "at, task",
    [
        ("11:30", "phone"),
        ("10:59", None),
        ("13:00", None),
        ("15:00", "phone"),
        ("16:29", "phone"),
        ("16:30", None),
        ("20:30", "sms"),
        ("21:00", None),
    ],
)
def test_bad_review_windows(at, task):  # 003:L144
    assert rules.review_task(time.fromisoformat(at), SHOP["review_windows"]) == task


# B T12 — conversion (003:L17)
def test_conversion_ten_of_fifty_is_twenty_per_cent():  # 003:L17
    assert rules.conversion_rate(50, 10) == Decimal("20.0")
    assert rules.conversion_rate(3, 1) == Decimal("33.3")
    assert rules.conversion_rate(3, 2) == Decimal("66.7")
    assert rules.conversion_rate(0, 0) is None
    assert [i.code for i in rules.service_stat_issues(5, 6)] == ["shop.stat.bought_over_served"]
    assert [i.field for i in rules.service_stat_issues(-1, -1)] == ["served", "bought"]
    assert rules.service_stat_issues(5, 5) == []


# B T11 — sizes (003:L91-93)
def test_size_for_usual_and_measured():  # 003:L91-93
    assert rules.size_for_usual("28", SHOP["size_map"]) == "L"
    chart = [(s, Decimal(v)) for s, v in SHOP["size_chart"]]  # waist in cm: S 68, M 72, L 76, XL 80
    assert rules.size_for_measure(Decimal(71), chart, Decimal(5)) == "L"  # 71 + 5 = 76 → L exactly
    assert rules.size_for_measure(Decimal("71.5"), chart, Decimal(5)) == "XL"
    assert rules.size_for_measure(Decimal(63), chart, Decimal(5)) == "S"
    assert rules.size_for_measure(Decimal(76), chart, Decimal(5)) is None


# A T14 / B T8 — return eligibility and who pays shipping (000:L244, 003:L99, L249, L306-309)
def test_unworn_with_tags_day_6_is_eligible_buyer_pays():  # 000:L244, 003:L99 (A T14)
    v = rules.check_return(rules.ReturnFacts("dislike", 6), 7)
    assert (v.eligible, v.outbound_payer, v.return_payer) == (True, "buyer", "buyer")
    assert rules.check_return(rules.ReturnFacts("dislike", 7), 7).eligible  # day 7 is still inside


@pytest.mark.parametrize(
    "facts, code",
    [
        (rules.ReturnFacts("dislike", 8), "shop.return.over_window"),  # 003:L306 (1), A T14 day 8
        (rules.ReturnFacts("dislike", 2, washed_or_worn=True), "shop.return.washed"),  # 000:L244
        (rules.ReturnFacts("dislike", 2, tags_on=False), "shop.return.tags_removed"),  # 000:L244
        (rules.ReturnFacts("dislike", 2, special_size=True, preorder=True), "shop.return.special_order"),  # 000:L244
        (rules.ReturnFacts("quality", 2, food=True, opened=True), "shop.return.food_opened"),  # 003:L306 (2)
        (rules.ReturnFacts("quality", 2, freight_collect=True), "shop.return.freight_collect"),  # 003:L307
    ],
)
def test_return_refusals(facts, code):
    v = rules.check_return(facts, 7)
    assert not v.eligible and [i.code for i in v.refusals] == [code]


@pytest.mark.parametrize(
    "reason, signed, payers",
    [
        ("quality", False, ("shop", "shop")),  # 003:L249
        ("wrong_item", False, ("shop", "shop")),
        ("dislike", False, ("buyer", "buyer")),  # 003:L99, L308
        ("usage", False, ("buyer", "buyer")),
        ("logistics", False, ("shop", "shop")),
        ("logistics", True, ("shop", "buyer")),  # 003:L309 signed without inspection
    ],
)
def test_shipping_payer_from_the_reason(reason, signed, payers):  # 003:L249, L307-309 (B T8)
    assert rules.shipping_payers(reason, signed) == payers


def test_quality_return_without_tags_is_still_accepted():  # 000:L244 applies to non-quality returns
    assert rules.check_return(rules.ReturnFacts("quality", 3, tags_on=False), 7).eligible


# B T26 — complaint closure within 6 days, report within 3 (002:L141, L148); monthly review by the 10th (002:L160)
def test_complaint_due_days():  # 002:L141, L148, L160
    d = date(2026, 12, 1)
    assert rules.complaint_close_due(d, 6) == date(2026, 12, 7)
    assert rules.investigation_report_due(date(2026, 12, 2), 3) == date(2026, 12, 5)
    assert not rules.complaint_overdue(d, None, date(2026, 12, 7), 6)
    assert rules.complaint_overdue(d, None, date(2026, 12, 8), 6)
    assert not rules.complaint_overdue(d, date(2026, 12, 7), date(2026, 12, 20), 6)
    assert rules.complaint_overdue(d, date(2026, 12, 8), date(2026, 12, 20), 6)
    assert rules.monthly_review_due(date(2026, 12, 15), 10) == date(2027, 1, 10)
    assert rules.monthly_review_due(date(2026, 1, 31), 10) == date(2026, 2, 10)


# B T27 — dispatch within 60 minutes (002:L255)
def test_dispatch_sla():  # 002:L255
    accepted = datetime(2026, 12, 7, 10, 0)
    assert rules.dispatch_breached(accepted, datetime(2026, 12, 7, 11, 1), accepted, 60)
    assert not rules.dispatch_breached(accepted, datetime(2026, 12, 7, 11, 0), accepted, 60)
    assert rules.dispatch_breached(accepted, None, datetime(2026, 12, 7, 11, 0, 1), 60)


# A T15 — the shipping promise (000:L299)
def test_shipping_promise_in_working_days():  # 000:L299
    weekdays = lambda d: d.weekday() < 5  # noqa: E731
    # paid Friday 2026-12-04: ship by Wed 12-09; delivered between Wed 12-09 and Mon 12-14 ... Tue 12-15
    assert rules.shipping_promise(date(2026, 12, 4), 3, (3, 7), weekdays) == (
        date(2026, 12, 9),
        date(2026, 12, 9),
        date(2026, 12, 15),
    )


# A T17, T18 — pricing and coupon tiers (001:L285-287, L303)
def test_full_reduction_price():  # 001:L285-287
    reductions = [(Decimal(450), Decimal(90))]
    assert rules.promotion_price(Decimal(450), reductions) == Decimal(360)
    assert rules.promotion_price(Decimal("449.99"), reductions) == Decimal("449.99")


@pytest.mark.parametrize("amount, coupon", [(499, 0), (500, 20), (1999, 20), (2000, 50), (4999, 50), (5000, 200)])
def test_coupon_tiers(amount, coupon):  # 001:L303
    assert rules.coupon_for(Decimal(amount), SHOP["coupon_tiers"]) == Decimal(coupon)


# A T34 — the shipping notice (001:L306)
def test_shipping_sms_template():  # 001:L306
    text = rules.shipping_sms(
        SHOP["shipping_sms"],
        name="李先生",
        date=date(2026, 12, 7),
        goods="瓷砖",
        tracking_no="SF1234567890",
        pickup="滨州市黄河五路物流点",
        agent="小美",
        shop="远晶家居专营店",
    )
    assert text == (
        "亲爱的李先生，您于2026年12月7日在远晶家居专营店购买的瓷砖已发货，物流单号为SF1234567890，"
        "提货物流点信息为滨州市黄河五路物流点，敬请查收。远晶家居专营店：小美为您服务。"
    )
    with pytest.raises(ValueError):
        rules.shipping_sms(SHOP["shipping_sms"], name="李先生")
