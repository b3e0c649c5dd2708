"""The shop desk's services against the database: the order export import (all or nothing, idempotent, line
numbers), the confirmation form, the remark builder and commission, after-sales cases on the workflow kernel and the
notebooks. Each seed rule names its line."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone

from kefu.errors import NotAllowed, NotFound, RuleViolation
from kefu.scope import scope_of
from kefu.shop import services
from kefu.shop.models import AfterSalesCase, CaseEvent, ProblemEntry, ShopOrder

HEADER = "订单编号,买家会员名,订单状态,订单创建时间,订单付款时间,买家实际支付金额,收货人姓名,联系手机,收货地址,商家编码,宝贝标题,尺码,颜色,数量,单价,物流公司,物流单号,订单备注,自动拍下,接待客服"


def stored(table: str, column: str, pk: int) -> str:
    """The column as the database holds it (the model field would decrypt it)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cur.fetchone()[0]


def csv_of(*rows: str, encoding="utf-8") -> bytes:
    return "\n".join((HEADER, *rows)).encode(encoding)


ROWS = (
    "T1001,buyer_a,买家已付款，等待卖家发货,2026-12-01 10:00:00,2026-12-01 10:05:00,199.00,王女士,13800138000,杭州市西湖区文三路1号,MM-2031,连衣裙,L,藏青,1,199.00,申通,,2001号客服、发顺丰快递,否,2001",
    "T1002,buyer_b,交易成功,2026-12-02 09:00:00,2026-12-02 09:01:00,300.00,李先生,13900139000,南京市鼓楼区中山路2号,MM-1001,T恤,M,白,2,100.00,申通,ST0001,,否,2001",
    "T1002,buyer_b,交易成功,2026-12-02 09:00:00,2026-12-02 09:01:00,300.00,李先生,13900139000,南京市鼓楼区中山路2号,MM-1002,短裤,M,黑,1,100.00,申通,ST0001,,否,2001",
    "T1003,buyer_c,等待买家付款,2026-12-03 23:00:00,,88.00,,,,MM-3001,袜子,,,1,88.00,,,,是,",
)


@pytest.fixture
def people(make_staff):
    from kefu.org.models import Department

    agent = make_staff("agent", staff_no="2001", name="小美")
    center = agent.center
    dept = Department.objects.create(center=center, code="after_sales", name="售后部")
    return {
        "agent": agent,
        "duty": make_staff("agent", staff_no="2002", name="小丽"),
        "lead": make_staff("team_lead", staff_no="3001", name="组长"),
        "handler": make_staff("dept_handler", staff_no="6001", name="售后", department=dept),
        "dept": dept,
    }


@pytest.fixture
def shop(people):
    return services.create_shop(scope_of(people["lead"]), code="mm", name="名美服饰旗舰店", after_sales=people["dept"])


def test_import_creates_orders_lines_and_follow_up(people, shop):  # 003:L45 自动拍下的顾客由当天的值班客服跟进
    scope = scope_of(people["agent"])
    result = services.import_orders(scope, shop=shop, raw=csv_of(*ROWS), on_duty=people["duty"])
    assert (result.created, result.updated, result.unchanged, result.lines) == (3, 0, 0, 4)
    t1, t2, t3 = (ShopOrder.objects.get(order_no=n) for n in ("T1001", "T1002", "T1003"))
    assert (t1.payment, t1.remark_agent, t1.remark_flag, t1.owner, t1.follow_up) == (
        "paid",
        "2001",
        "yellow",
        people["agent"],
        people["agent"],
    )  # 谁的顾客谁跟进 (003:L45)
    assert t2.lines.count() == 2 and t2.amount == Decimal("300.00")
    assert (t3.payment, t3.auto_placed, t3.owner, t3.follow_up) == ("unpaid", True, None, people["duty"])
    assert t1.phone == "13800138000" and "13800138000" not in stored("shop_shoporder", "phone", t1.pk)


def test_import_is_idempotent_and_updates_in_place(people, shop):
    scope = scope_of(people["agent"])
    services.import_orders(scope, shop=shop, raw=csv_of(*ROWS))
    again = services.import_orders(scope, shop=shop, raw=csv_of(*ROWS, encoding="gb18030"))  # the seller centre's GBK
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    paid = (
        ROWS[3]
        .replace("等待买家付款", "买家已付款")
        .replace("2026-12-03 23:00:00,,", "2026-12-03 23:00:00,2026-12-04 08:00:00,")
    )
    third = services.import_orders(scope, shop=shop, raw=csv_of(*ROWS[:3], paid))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert ShopOrder.objects.count() == 3 and ShopOrder.objects.get(order_no="T1003").payment == "paid"
    assert ShopOrder.objects.get(order_no="T1003").lines.count() == 1


@pytest.mark.parametrize(
    "row, line, field, code",
    [
        (ROWS[0].replace("2026-12-01 10:00:00", "昨天"), 3, "placed_at", "shop.import.time"),
        (ROWS[0].replace("13800138000", "12345"), 3, "phone", "shop.import.phone"),
        (ROWS[0].replace(",1,199.00,", ",0,199.00,"), 3, "quantity", "shop.import.quantity"),
        (ROWS[0].replace("买家已付款，等待卖家发货", "发呆"), 3, "status", "shop.import.status"),
        (ROWS[0].replace(",否,2001", ",否,9999"), 3, "owner", "shop.import.staff"),
        (ROWS[0].replace(",199.00,王女士", ",-1,王女士"), 3, "amount", "shop.import.amount"),
        (ROWS[0] + ",多一列", 3, "file", "shop.import.columns"),
    ],
)
def test_a_bad_line_refuses_the_whole_file_with_its_line_number(people, shop, row, line, field, code):
    with pytest.raises(RuleViolation) as refused:
        services.import_orders(scope_of(people["agent"]), shop=shop, raw=csv_of(ROWS[1], row))
    problem = refused.value.problems[0]
    assert (problem.field, problem.rule, problem.message.params["line"]) == (field, code, line)
    assert f"第 {line} 行" in str(problem.message)
    assert ShopOrder.objects.count() == 0  # all or nothing: the good line 2 was not written either


def test_import_refuses_files_it_cannot_read(people, shop):
    scope = scope_of(people["agent"])
    for raw, code in (
        (b"", "shop.import.empty"),
        ("订单编号,买家会员名\nA,b".encode(), "shop.import.missing_columns"),
        (b"\xff\xfe\x00\xd8", "shop.import.encoding"),
    ):
        with pytest.raises(RuleViolation) as refused:
            services.import_orders(scope, shop=shop, raw=raw)
        assert refused.value.problems[0].rule == code
    disagree = ROWS[2].replace("300.00,李先生", "301.00,李先生")
    with pytest.raises(RuleViolation) as refused:
        services.import_orders(scope, shop=shop, raw=csv_of(ROWS[1], disagree))
    assert refused.value.problems[0].rule == "shop.import.order_disagrees"


FORM = {
    "item_no": "MM-2031",
    "size": "L",
    "colour": "藏青",
    "quantity": "1",
    "note": "",
    "address": "杭州市西湖区文三路1号",
    "logistics": "申通",
    "phone": "13800138000",
    "contact": "王女士",
}


def test_confirmation_form_sets_the_order_and_refuses_a_missing_phone(people, shop):  # 003:L48-54 (B T5)
    scope = scope_of(people["agent"])
    services.import_orders(scope, shop=shop, raw=csv_of(*ROWS))
    order = ShopOrder.objects.get(order_no="T1001")
    with pytest.raises(RuleViolation) as refused:
        services.confirm_order(scope, order, form={**FORM, "phone": ""}, version=order.version)
    assert [(p.field, str(p.message)) for p in refused.value.problems] == [("phone", "联系电话：必须填写")]
    order.refresh_from_db()
    assert order.confirmed_at is None
    done = services.confirm_order(scope, order, form={**FORM, "size": "XL"}, version=order.version)
    assert done.confirmed_at is not None and done.lines.get().size == "XL" and done.logistics == "申通"
    with pytest.raises(RuleViolation):  # the version moved on: a stale form is refused
        services.confirm_order(scope, order, form=FORM, version=order.version)
    unpaid = ShopOrder.objects.get(order_no="T1003")
    with pytest.raises(RuleViolation) as refused:
        services.confirm_order(scope, unpaid, form=FORM)
    assert refused.value.problems[0].rule == "shop.confirm.unpaid"


def test_remark_builder_writes_the_agents_mark_and_flag(people, shop):  # 003:L21, L61 (A T9, B T6)
    scope = scope_of(people["agent"])
    services.import_orders(scope, shop=shop, raw=csv_of(*ROWS))
    order = ShopOrder.objects.get(order_no="T1002")
    done = services.set_remark(
        scope,
        order,
        data={"courier": "顺丰", "delay_reason": "尺码未确认", "gift": "小礼品", "refund": "5"},
        version=order.version,
    )
    assert done.remark == "2001号客服、发顺丰快递、由于尺码未确认等确定了再发货(需先填写单号)、赠送小礼品并退还5元钱"
    assert (done.remark_agent, done.remark_flag) == ("2001", "green")
    with pytest.raises(RuleViolation) as refused:
        services.set_remark(scope, done, data={"refund": "400"}, version=done.version)
    assert refused.value.problems[0].rule == "shop.remark.refund_over"


def test_green_flag_shop_marks_by_name(people):  # 003:L135 写上自己的姓名 (小绿旗)
    scope = scope_of(people["lead"])
    shop2 = services.create_shop(scope, code="smf", name="尚米坊", flag_scheme="shangmifang")
    services.import_orders(scope, shop=shop2, raw=csv_of(ROWS[1], ROWS[2]))
    order = ShopOrder.objects.get(shop=shop2)
    done = services.set_remark(scope_of(people["agent"]), order, data={})
    assert (done.remark, done.remark_agent, done.remark_flag) == ("小美客服", "小美", "green")


def test_commission_month_leaves_unremarked_orders_without_commission(people, shop):  # 003:L21 (B T7)
    scope = scope_of(people["agent"])
    services.import_orders(scope, shop=shop, raw=csv_of(*ROWS))
    rows = services.commission_month(scope, shop=shop, month=date(2026, 12, 1))
    assert [(r.agent, r.remarked_orders, r.commission, r.unremarked_orders, r.unremarked_amount) for r in rows] == [
        ("2001", 1, Decimal("1.99"), 1, Decimal("300.00"))
    ]
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(services.commission_workbook(shop, month=date(2026, 12, 1), rows=rows))).active
    assert [c.value for c in sheet[2]] == ["名美服饰旗舰店", "2026-12", "2001", 1, 199.0, 1.99, 1, 300.0]
    assert services.commission_month(scope, shop=shop, month=date(2026, 11, 1)) == []


def _paid_order(people, shop, days_ago=2, amount="199.00"):
    scope = scope_of(people["agent"])
    services.import_orders(scope, shop=shop, raw=csv_of(ROWS[0].replace("199.00,王女士", f"{amount},王女士")))
    return ShopOrder.objects.get(order_no="T1001"), timezone.localdate() - timedelta(days=days_ago)


def test_quality_return_refund_after_the_parcel_is_received(people, shop):  # 003:L239, L249
    order, received = _paid_order(people, shop)
    agent, handler = scope_of(people["agent"]), scope_of(people["handler"])
    case = services.open_case(
        agent,
        order,
        data={
            "kind": "return",
            "reason": "quality",
            "received_on": received,
            "amount": "199",
            "payment_account": "wang@example.com",
            "buyer_name": "王女士",
        },
    )
    assert (case.outbound_payer, case.return_payer, case.refusals) == ("shop", "shop", [])
    assert "wang@example.com" not in stored("shop_aftersalescase", "payment_account", case.pk)  # encrypted
    case = services.move_case(handler, case, name="accept", version=case.version)
    with pytest.raises(RuleViolation) as refused:  # no refund before the parcel is back
        services.move_case(handler, case, name="refund", version=case.version, amount="199")
    assert refused.value.problems[0].rule == "workflow.wrong_state"
    # 003:L191-192 (B T10): the buyer gives the tracking number, no note in the parcel → to after-sales
    case = services.match_return(
        agent, shop, tracking_no="1200458258899", buyer_wangwang="buyer_a", note_in_parcel=False
    )
    assert (case.state, case.note_in_parcel, case.return_tracking_no) == ("in_transit", False, "1200458258899")
    assert CaseEvent.objects.filter(
        case=case, code="shop.case.transition.return_shipped", params__tracking_no="1200458258899"
    ).exists()
    case = services.move_case(handler, case, name="receive", version=case.version)
    with pytest.raises(RuleViolation) as refused:
        services.move_case(handler, case, name="refund", version=case.version, amount="200")
    assert refused.value.problems[0].rule == "shop.case.amount_over_order"
    case = services.move_case(handler, case, name="refund", version=case.version, amount="199")
    assert (case.state, case.refunded_amount) == ("refunded", Decimal("199.00"))
    assert services.move_case(handler, case, name="close", version=case.version).state == "closed"


def test_ineligible_case_cannot_be_accepted(people, shop):  # 003:L306 (1): more than 7 days
    order, received = _paid_order(people, shop, days_ago=8)
    case = services.open_case(
        scope_of(people["agent"]),
        order,
        data={"kind": "return", "reason": "dislike", "received_on": received, "payment_account": "x@example.com"},
    )
    assert [r["code"] for r in case.refusals] == ["shop.return.over_window"]
    assert (case.outbound_payer, case.return_payer) == ("buyer", "buyer")
    with pytest.raises(RuleViolation) as refused:
        services.move_case(scope_of(people["handler"]), case, name="accept", version=case.version)
    assert refused.value.problems[0].rule == "shop.case.not_eligible"
    refused_case = services.move_case(
        scope_of(people["handler"]), case, name="refuse", version=case.version, reason="超过七天"
    )
    assert refused_case.state == "refused"


def test_exchange_writes_a_handwritten_order_with_a_yellow_flag(people, shop):  # 003:L249 (B T9)
    order, received = _paid_order(people, shop)
    handler = scope_of(people["handler"])
    case = services.open_case(
        scope_of(people["agent"]), order, data={"kind": "exchange", "reason": "dislike", "received_on": received}
    )
    case = services.move_case(handler, case, name="accept", version=case.version)
    case = services.move_case(handler, case, name="exchange", version=case.version, tracking_no="ST20261207")
    made = ShopOrder.objects.get(exchange_of=case)
    assert (made.source, made.remark, made.remark_flag, made.tracking_no) == (
        "handwritten",
        "换货单号ST20261207",
        "yellow",
        "ST20261207",
    )
    assert made.lines.get().item_no == "MM-2031"


def test_agents_cannot_decide_cases_and_handlers_see_only_their_department(people, shop, make_staff):
    from kefu.org.models import Department

    order, received = _paid_order(people, shop)
    case = services.open_case(
        scope_of(people["agent"]), order, data={"kind": "exchange", "reason": "quality", "received_on": received}
    )
    with pytest.raises(NotAllowed):
        services.move_case(scope_of(people["agent"]), case, name="accept", version=case.version)
    other = Department.objects.create(center=case.center, code="other", name="其他部门")
    outsider = make_staff("dept_handler", staff_no="6002", department=other)
    with pytest.raises(NotFound):
        services.get_case(scope_of(outsider), case.pk)
    assert services.get_case(scope_of(people["handler"]), case.pk) == case


def test_partial_compensation_for_a_minor_quality_problem(people, shop):  # 003:L244 a. 退xx钱作为补偿
    order, received = _paid_order(people, shop)
    case = services.open_case(
        scope_of(people["agent"]),
        order,
        data={
            "kind": "compensation",
            "reason": "logistics",
            "received_on": received,
            "payment_account": "a@b.cn",
            "signed_without_inspection": True,
        },
    )
    assert (case.outbound_payer, case.return_payer) == ("shop", "buyer")  # 003:L309
    done = services.move_case(scope_of(people["handler"]), case, name="compensate", version=case.version, amount="10")
    assert (done.state, done.refunded_amount) == ("compensated", Decimal("10.00"))


def test_case_input_refusals_change_nothing(people, shop):
    order, received = _paid_order(people, shop)
    with pytest.raises(RuleViolation) as refused:
        services.open_case(
            scope_of(people["agent"]),
            order,
            data={"kind": "swap", "reason": "quality", "received_on": "明天", "amount": "500"},
        )
    assert {p.field for p in refused.value.problems} == {"kind", "received_on", "amount"}
    assert AfterSalesCase.objects.count() == 0


def test_problem_register_weekly_hand_in_and_consolidation(people):  # 003:L16
    agent, lead = scope_of(people["agent"]), scope_of(people["lead"])
    entry = services.add_problem(agent, "买家反映详情页尺码表与实物不符")
    with pytest.raises(RuleViolation) as refused:  # not handed in yet
        services.consolidate(lead, entry_ids=[entry.pk], note="已反馈给美工")
    assert refused.value.problems[0].rule == "shop.problem.not_handed_in"
    assert services.hand_in_week(agent, entry.week) == 1
    assert services.consolidate(lead, entry_ids=[entry.pk], note="已反馈给美工修改尺码表") == 1
    entry = ProblemEntry.objects.get(pk=entry.pk)
    assert entry.consolidated_by == people["lead"] and entry.week.weekday() == 0
    with pytest.raises(RuleViolation):
        services.add_problem(agent, "  ")


def test_service_statistics_per_agent_per_day(people):  # 003:L17 (B T12)
    agent = scope_of(people["agent"])
    today = timezone.localdate()
    stat = services.record_stat(agent, day=today, served=50, bought=10)
    assert (stat.served, stat.bought) == (50, 10)
    assert services.record_stat(agent, day=today, served=60, bought=12).pk == stat.pk  # one row per agent and day
    for served, bought, day in ((5, 6, today), (-1, 0, today), (5, 1, today + timedelta(days=1)), ("x", 1, today)):
        with pytest.raises(RuleViolation):
            services.record_stat(agent, day=day, served=served, bought=bought)
