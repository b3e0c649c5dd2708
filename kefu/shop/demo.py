"""A demo shop: a month of orders from the platform export (through the importer, so the demo exercises it),
remarks by the agents (some orders left without one: no commission, 003:L21), confirmation forms, returns and
exchanges at every step, bad reviews, the notebooks, and an after-sales handler (username shop_after).

Idempotent: a second run finds the shop and stops."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from kefu.org.models import Department, Staff
from kefu.scope import scope_of

from . import services
from .models import AfterSalesCase, Shop, ShopOrder

ITEMS = [
    ("MM-2031", "雪纺连衣裙", "199.00"),
    ("MM-1001", "纯棉T恤", "79.00"),
    ("MM-1002", "休闲短裤", "99.00"),
    ("MM-3105", "针织开衫", "259.00"),
    ("MM-4410", "牛仔裤", "169.00"),
]
SIZES, COLOURS = ["S", "M", "L", "XL"], ["藏青", "白", "黑", "杏色"]
CITIES = [
    "杭州市西湖区文三路",
    "南京市鼓楼区中山路",
    "苏州市姑苏区人民路",
    "上海市徐汇区漕溪北路",
    "合肥市蜀山区长江西路",
]
SURNAMES = "王李张刘陈杨赵黄周吴"
DAYS = 30


def build(center, rng, out) -> None:
    if center is None or Shop.objects.filter(center=center, code="mingmei").exists():
        return
    agents = list(
        Staff.objects.filter(center=center, user__groups__name="agent", is_active=True).order_by("staff_no")[:6]
    )
    lead = Staff.objects.filter(center=center, user__groups__name="team_lead").order_by("staff_no").first()
    if not agents or lead is None:
        return
    from kefu.org import services as org_services
    from kefu.org.demo import DEMO_PASSWORD

    dept, _ = Department.objects.get_or_create(
        center=center, code="after_sales", defaults={"name": "售后部", "kind": Department.Kind.SUPPORT}
    )
    handler = Staff.objects.filter(user__username="shop_after").first() or org_services.create_staff(
        center,
        staff_no="6601",
        name="售后小周",
        roles=["dept_handler"],
        username="shop_after",
        password=DEMO_PASSWORD,
        department=dept,
        check_password=False,
    )  # the demo's public password, on purpose
    lead_scope = scope_of(lead)
    shop = services.create_shop(lead_scope, code="mingmei", name="名美服饰旗舰店", after_sales=dept)
    services.create_shop(
        lead_scope, code="shangmifang", name="尚米坊手机壳", flag_scheme="shangmifang", after_sales=dept
    )

    # a month of the platform's order export, imported as the seller centre writes it
    today = timezone.localdate()
    rows = [services_header()]
    for n in range(DAYS * 6):
        day = today - timedelta(days=rng.randrange(DAYS))
        placed = datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randrange(8 * 60, 23 * 60))
        item_no, title, price = rng.choice(ITEMS)
        quantity = rng.choice([1, 1, 1, 2])
        status = rng.choices(
            ["交易成功", "卖家已发货，等待买家确认", "买家已付款，等待卖家发货", "等待买家付款", "交易关闭"],
            [50, 20, 12, 10, 8],
        )[0]
        paid = "" if status in ("等待买家付款", "交易关闭") else (placed + timedelta(minutes=rng.randrange(1, 40)))
        auto = rng.random() < 0.15
        owner = "" if auto else rng.choice(agents).staff_no
        amount = f"{float(price) * quantity:.2f}"
        remark = f"{owner}号客服" if owner and paid and rng.random() < 0.85 else ""
        if remark and rng.random() < 0.2:
            remark += "、发顺丰快递"
        rows.append(
            ",".join(
                [
                    f"MM{day:%y%m%d}{n:04d}",
                    f"buyer_{rng.randrange(1, 400):03d}",
                    status,
                    f"{placed:%Y-%m-%d %H:%M:%S}",
                    f"{paid:%Y-%m-%d %H:%M:%S}" if paid else "",
                    amount,
                    rng.choice(SURNAMES) + "女士",
                    f"13{rng.randrange(5, 10)}{rng.randrange(10**8):08d}",
                    f"{rng.choice(CITIES)}{rng.randrange(1, 300)}号",
                    item_no,
                    title,
                    rng.choice(SIZES),
                    rng.choice(COLOURS),
                    str(quantity),
                    price,
                    "申通" if paid else "",
                    f"ST{rng.randrange(10**10):010d}" if status.startswith(("交易成功", "卖家")) else "",
                    remark,
                    "是" if auto else "否",
                    owner,
                ]
            )
        )
    result = services.import_orders(scope_of(agents[0]), shop=shop, raw="\n".join(rows).encode(), on_duty=agents[-1])

    # returns and exchanges at every step, bad reviews and complaints, the notebooks
    handler_scope = scope_of(handler)
    sold = list(ShopOrder.objects.filter(shop=shop, payment__in=services.SOLD).order_by("placed_at"))
    rng.shuffle(sold)
    steps = [
        ("return", "quality", ["accept"]),
        ("return", "dislike", ["accept", "return_shipped", "receive"]),
        ("return", "quality", ["accept", "return_shipped", "receive", "refund", "close"]),
        ("exchange", "dislike", ["accept", "exchange"]),
        ("compensation", "logistics", ["compensate"]),
        ("return", "dislike", []),
        ("refund", "wrong_item", ["accept", "reship"]),
    ]
    for i, order in enumerate(sold[:14]):
        kind, reason, path = steps[i % len(steps)]
        owner = order.owner or agents[0]
        received = today - timedelta(days=rng.choice([1, 2, 3, 5, 9]))
        case = services.open_case(
            scope_of(owner),
            order,
            data={
                "kind": kind,
                "reason": reason,
                "received_on": received,
                "amount": str(order.amount),
                "payment_account": f"{order.buyer_wangwang}@example.com",
                "buyer_name": order.contact_name,
                "washed_or_worn": i == 5,
            },
        )
        for name in path:
            if case.refusals:
                break
            fields = {
                "return_shipped": {"tracking_no": f"YT{rng.randrange(10**10):010d}"},
                "refund": {"amount": str(order.amount)},
                "compensate": {"amount": "10"},
                "exchange": {"tracking_no": f"ST{rng.randrange(10**10):010d}"},
                "reship": {"tracking_no": f"SF{rng.randrange(10**10):010d}"},
            }.get(name, {})
            case = services.move_case(
                handler_scope if name != "return_shipped" else scope_of(owner),
                case,
                name=name,
                version=case.version,
                **fields,
            )
    for order in sold[14:20]:
        review = services.open_review(
            scope_of(order.owner or agents[0]),
            order,
            rating=rng.choice(["mid", "bad"]),
            text=rng.choice(["尺码偏小", "发货太慢", "颜色和图片不一样", "线头多"]),
        )
        services.move_review(
            scope_of(order.owner or agents[0]),
            review,
            name="diagnose",
            cause=rng.choice(["novice", "unhappy", "cannot_use"]),
        )
    services.open_complaint(
        handler_scope,
        shop=shop,
        data={
            "order_no": sold[20].order_no,
            "batch_no": "B2026-11",
            "specification": "L 藏青",
            "quantity": "1",
            "defective_quantity": "1",
            "sample_attached": True,
            "request": "开线，要求退货",
        },
    )
    for agent in agents:
        for back in range(7):
            served = rng.randrange(20, 80)
            services.record_stat(
                scope_of(agent), day=today - timedelta(days=back), served=served, bought=rng.randrange(0, served // 3)
            )
        services.add_problem(
            scope_of(agent),
            rng.choice(
                [
                    "详情页尺码表与实物不符，买家多次询问",
                    "申通到不了县城，建议增加邮政",
                    "杏色实物偏黄，建议补拍实物图",
                    "买家问能否开发票",
                ]
            ),
        )
    cases = AfterSalesCase.objects.filter(shop=shop).count()
    out.write(f"网店：{shop.name}，导入订单 {result.created} 单，售后 {cases} 单，售后账号 shop_after")


def services_header() -> str:
    return ",".join(services.COLUMNS)
