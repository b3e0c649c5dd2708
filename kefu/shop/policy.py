"""网店客服制度参数 (the e-commerce service desk's policy). Read with policy_for("shop", center).

The four Taobao rulebooks of 003 (and their copy in 000) disagree on flag colours, couriers and cutoffs, so each is
data here and a shop picks its flag scheme (Shop.flag_scheme names one of `flag_schemes`).
- flag_schemes: per scheme, how the agent marks an order (agent_mark "number" = 工号, "name" = 姓名), the colour of
  each remark meaning and the precedence that picks the one flag an order carries.
- commission_rate: share of a remarked order's amount paid as commission (003:L21 names 提成 but no rate: 0.01 is our
  default, set the shop's own).
- couriers, print_batches, review_windows, size_map/size_chart/size_allowance, return_window_days, complaint
  days, coupon tiers and the shipping SMS: see the seed line beside each value.
"""

from __future__ import annotations

import re

from pydantic import Field

from kefu.org.policy_types import Choice, DecimalText, Int, List, Map, PolicyModel, Row, Text, Time

SECTION = "shop"

FLAG_SCHEMES = {
    # 003 第一篇 (名美服饰) = 000 F0-5 = 003 第三篇: 工号 + 小红旗 (L21, L276); colours L56-60 (L299).
    "mingmei": {
        "agent_mark": "number",
        "colours": {
            "agent": "red",
            "standard": "red",
            "courier": "yellow",
            "delay": "green",
            "gift_refund": "blue",
            "exchange": "yellow",
            "other": "purple",
        },
        # one flag per platform order: a delay first (do not ship), then courier, gifts/refund, other, the agent
        "precedence": ["delay", "courier", "exchange", "gift_refund", "other", "standard", "agent"],
    },
    # 003 第二篇 (尚米坊) and 第四篇: 姓名 + 小绿旗 (L135, L316); red = 退款、改单号 (L146, L328); yellow = 换货单号
    # (L249, L409). No colour is given for a courier request or a delay: they ride on the agent's green flag.
    "shangmifang": {
        "agent_mark": "name",
        "colours": {
            "agent": "green",
            "standard": "green",
            "courier": "",
            "delay": "",
            "gift_refund": "red",
            "exchange": "yellow",
            "other": "",
        },
        "precedence": ["exchange", "gift_refund", "agent", "standard"],
    },
}

_COMMON = {
    "flag_schemes": FLAG_SCHEMES,
    "default_flag_scheme": "mingmei",
    "commission_rate": "0.01",  # 003:L21 提成 (no rate in the seeds)
    "couriers": ["申通", "圆通", "顺丰", "天天", "EMS", "韵达", "中通"],  # 003:L95 申通 default, L183, L357 天天
    # 003:L143 打单时间【12点之前,15点,17点】,17点以后下单第二天发货 (each cutoff is "strictly before")
    "print_batches": [["12:00", "12点前"], ["15:00", "15点"], ["17:00", "17点"]],
    # 003:L144 11点到12点, 15点到16点30分处理中差评; 晚上8点到9点 晚班发短信 (L263: best phone time 20:00)
    "review_windows": [
        {"start": "11:00", "end": "12:00", "channel": "phone"},
        {"start": "15:00", "end": "16:30", "channel": "phone"},
        {"start": "20:00", "end": "21:00", "channel": "sms"},
    ],
    "size_map": {"26": "S", "27": "M", "28": "L", "29": "XL", "30": "XXL"},  # 003:L93 28 → L (others: the shop's)
    "size_chart": [["S", "68"], ["M", "72"], ["L", "76"], ["XL", "80"]],  # waist cm, the shop's own chart
    "size_allowance": "5",  # 003:L91 客户实际测量的数据+5
    "return_window_days": 7,  # 003:L99, L306 (1)
    "complaint_close_days": 6,  # 002:L148
    "investigation_report_days": 3,  # 002:L141
    "monthly_review_day": 10,  # 002:L160
    "ship_within_working_days": 3,  # 000:L299 1-3个工作日内发货
    "deliver_working_days": [3, 7],  # 000:L299 3-7个工作日能收到货
    "full_reductions": [["450", "90"]],  # 001:L285-287 满450减90
    "coupon_tiers": [["500", "20"], ["2000", "50"], ["5000", "200"]],  # 001:L303
    # 001:L306 (commas as the seed writes them, full-width)
    "shipping_sms": "亲爱的{name}，您于{date}在{shop}购买的{goods}已发货，物流单号为{tracking_no}，"
    "提货物流点信息为{pickup}，敬请查收。{shop}：{agent}为您服务。",
    "first_reply_seconds": 9,  # 001:L149 原则上是9秒内必须回复 (applied to chat)
}

PRESETS = {
    # A telecom hotline or a 12345 center may run a shop desk too; the values are the Taobao ones.
    "hotline": dict(_COMMON),
    "gov12345": dict(_COMMON),
    "ecommerce": dict(_COMMON),
}

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_COLOURS = ("red", "yellow", "green", "blue", "purple", "")  # the platform's flag colours; "" = no flag of its own


class FlagColours(PolicyModel):
    """The flag colour of each remark meaning ("" = it rides on the agent's flag)."""

    agent: Choice(*_COLOURS) = Field(description="座席标记订单的旗帜颜色")  # 003:L21, L135
    standard: Choice(*_COLOURS) = Field(description="普通备注的旗帜颜色")
    courier: Choice(*_COLOURS) = Field(description="指定快递的旗帜颜色")  # 003:L56-60
    delay: Choice(*_COLOURS) = Field(description="延迟发货的旗帜颜色")
    gift_refund: Choice(*_COLOURS) = Field(description="赠品、退款的旗帜颜色")  # 003:L146
    exchange: Choice(*_COLOURS) = Field(description="换货的旗帜颜色")  # 003:L249
    other: Choice(*_COLOURS) = Field(description="其他备注的旗帜颜色")


class FlagScheme(PolicyModel):
    """How the agents of a shop mark orders (003: the four rulebooks disagree)."""

    agent_mark: Choice("number", "name") = Field(description="座席在订单上留的标记：number 工号，name 姓名")
    colours: FlagColours = Field(description="各类备注的旗帜颜色")
    precedence: List(
        Choice("delay", "courier", "exchange", "gift_refund", "other", "standard", "agent"), min_length=1
    ) = Field(description="一张订单只有一面旗：按此顺序取第一种备注的颜色")


class ReviewWindow(PolicyModel):
    """A time window for handling bad reviews (003:L144)."""

    start: Time() = Field(description="开始时间")
    end: Time() = Field(description="结束时间")
    channel: Choice("phone", "sms") = Field(description="联系方式：phone 电话，sms 短信")


class ShopPolicy(PolicyModel):
    """网店客服：旗帜方案、提成、快递、打单批次、中差评时段、尺码、退换与投诉时限、优惠、发货短信、首次响应。"""

    flag_schemes: Map(FlagScheme) = Field(description="旗帜方案（名称 → 标记方式、颜色、优先顺序）")  # 003
    default_flag_scheme: Text(min_length=1) = Field(description="网店未指定时使用的旗帜方案")
    commission_rate: DecimalText(ge=0, lt=1) = Field(description='备注订单按金额提成的比例（如 "0.01"）')  # 003:L21
    couriers: List(Text(min_length=1, max_length=20), min_length=1) = Field(description="可选的快递公司")  # 003:L95
    print_batches: List(Row(Time(), Text(min_length=1))) = Field(
        description="打单批次：[截止时间, 名称]，截止时间后下单的归下一批"
    )  # 003:L143
    review_windows: List(ReviewWindow) = Field(description="处理中差评的时段")  # 003:L144, L263
    size_map: Map(Text(min_length=1)) = Field(description="裤腰尺码 → 衣服尺码")  # 003:L93
    size_chart: List(Row(Text(min_length=1), DecimalText(ge=0))) = Field(
        description="尺码表：[尺码, 腰围厘米]"
    )  # the shop's own chart
    size_allowance: DecimalText(ge=0) = Field(description="客户实测数据加上的放量（厘米）")  # 003:L91
    return_window_days: Int(ge=1, le=365) = Field(description="无理由退换的天数")  # 003:L99, L306
    complaint_close_days: Int(ge=1, le=365) = Field(description="售后投诉自受理起结案的天数")  # 002:L148
    investigation_report_days: Int(ge=1, le=365) = Field(description="投诉调查报告的提交天数")  # 002:L141
    monthly_review_day: Int(ge=1, le=28) = Field(description="每月复盘在几号")  # 002:L160
    ship_within_working_days: Int(ge=1, le=365) = Field(description="下单后几个工作日内发货")  # 000:L299
    deliver_working_days: Row(Int(ge=1), Int(ge=1)) = Field(description="发货后几到几个工作日送达")  # 000:L299
    full_reductions: List(Row(DecimalText(ge=0), DecimalText(ge=0))) = Field(
        description="满减：[满多少元, 减多少元]"
    )  # 001:L285-287
    coupon_tiers: List(Row(DecimalText(ge=0), DecimalText(ge=0))) = Field(
        description="优惠券档位：[满多少元, 券面额]"
    )  # 001:L303
    shipping_sms: Text(min_length=1, max_length=500) = Field(
        description="发货短信模板，可用 {name} {date} {shop} {goods} {tracking_no} {pickup} {agent}"
    )  # 001:L306
    first_reply_seconds: Int(ge=1, le=365) = Field(description="在线咨询首次回复的时限（秒）")  # 001:L149


MODEL = ShopPolicy


def validate(data: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    schemes = data.get("flag_schemes")
    if not isinstance(schemes, dict) or not schemes:
        errors.append(("flag_schemes", "至少需要一种旗帜方案"))
    else:
        for name, scheme in schemes.items():
            if not isinstance(scheme, dict) or scheme.get("agent_mark") not in ("number", "name"):
                errors.append((f"flag_schemes.{name}.agent_mark", "应为 number（工号）或 name（姓名）"))
    if data.get("default_flag_scheme") not in (schemes or {}):
        errors.append(("default_flag_scheme", "应为已定义的旗帜方案之一"))
    try:
        rate = float(data.get("commission_rate"))
        if not 0 <= rate < 1:
            errors.append(("commission_rate", "提成比例应在 0 到 1 之间"))
    except (TypeError, ValueError):
        errors.append(("commission_rate", "提成比例应为数字"))
    for i, pair in enumerate(data.get("print_batches") or []):
        if not (isinstance(pair, list) and len(pair) == 2 and _TIME.match(str(pair[0]))):
            errors.append((f"print_batches[{i}]", '应为 ["HH:MM", 名称]'))
    for key in ("return_window_days", "complaint_close_days", "investigation_report_days", "first_reply_seconds"):
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 365:
            errors.append((key, "应为 1 到 365 之间的整数"))
    return errors
