"""Work-order rules as policy data (read with kefu.org.policy.policy_for("tickets", center))."""

from __future__ import annotations

import copy
import re

from pydantic import Field

from kefu.org.policy_types import Bool, Choice, Code, Int, List, Map, Num, PolicyModel, RoleCode, Text

SECTION = "tickets"


def _cat(name: str, name_en: str, department: str, time_limit: dict | None = None) -> dict:
    """A category: its label (Chinese, English), the department code it is routed to ("" = the dispatcher chooses)
    and that department's time limit ({"unit": "hours"|"working_days", "amount": n} or None)."""
    return {"name": name, "name_en": name_en, "department": department, "time_limit": time_limit, "active": True}


def _working_days(n: int) -> dict:
    return {"unit": "working_days", "amount": n}


_TEXTBOOK = {
    # Resolution deadline per complaint level, from acceptance to the reply (004:L1293-1299).
    "levels": {
        "1": {"unit": "hours", "amount": 2},  # 004:L1295
        "2": {"unit": "hours", "amount": 48},  # 004:L1297
        "3": {"unit": "working_days", "amount": 4},  # 004:L1298
        "4": {"unit": "working_days", "amount": 7},  # 004:L1299
    },
    # On-call reply promise, a separate first-reply clock (004:L1247; SPEC "Decisions").
    "reply_promise_hours": {"simple": 2, "complex": 24},
    # "规定时间" for consultations/suggestions is not defined in the seed (004:L1317); a center sets it.
    "consultation_reply": {"unit": "hours", "amount": 24},
    # Same customer + same category within this window = repeat complaint (004:L1327, L2013). The seed gives
    # no window; 30 days mirrors the 30-day redial-identification period of 004:L1619.
    "repeat_window_days": 30,
    "repeat_priority": 2,  # priority given to a repeat complaint (0 normal)
    "key_account_priority": 1,
    # Reminder to the handling department this long before its deadline (004:L2159).
    "reminder_before_minutes": 60,
    # Escalation ladder: leader at detection, executive after this interval (004:L2181; interval not in seed).
    "escalation_interval_hours": 24,
    # Archived orders are destroyed after this many days (SPEC privacy: retention schedule).
    "retention_days": 730,
    # Order types this center takes (the machine's kinds, kefu/tickets/machine.py): the telecom textbook's five.
    "kinds": ["consultation", "complaint", "suggestion", "appeal", "coordination"],
    # Categories (004:L2001, L2055: 资费类、服务类、网络类、业务类"等") and their flow template: the department an order
    # of the category is dispatched to by default (004:L2075) and that department's time limit (None: the dispatcher
    # sets one per order, 004:L2089 "处理时限"). An order keeps the routing it was created with.
    "default_category": "service",
    "categories": {
        "tariff": _cat("资费类", "Billing", "billing"),
        "service": _cat("服务类", "Service", "province"),
        "network": _cat("网络类", "Network", "network"),
        "business": _cat("业务类", "Products & services", "marketing"),
        "other": _cat("其他", "Other", "province"),
    },
    # Compensation approval by amount (002:L150-158, SPEC "Decisions"): < 1000 sales manager, 1000-5000
    # deputy GM, > 5000 GM. Boundaries 1000 and 5000 fall in the middle tier (seed leaves them open).
    "compensation": {
        "deputy_from": 1000,
        "gm_above": 5000,
        "roles": {"sales_manager": ["supervisor", "manager"], "deputy_gm": ["manager"], "gm": ["admin"]},
    },
}

_GOV = copy.deepcopy(_TEXTBOOK)
# Not in the seeds: a placeholder of 1 working day for consultations; each 12345 center sets its own.
_GOV["consultation_reply"] = {"unit": "working_days", "amount": 1}
# A city 12345 hotline takes consultations, complaints (投诉/求助) and suggestions; appeals and provincial
# coordination are the telecom flows (004:L2135-2219).
_GOV["kinds"] = ["consultation", "complaint", "suggestion"]
# The routing table of the Suining 12345 quiz (004:L27-69): issue -> the bureau that handles it (承办单位). The
# seeds give no time limit per bureau: 5 working days is a placeholder each center sets (not a seed value).
_BUREAU_DAYS = _working_days(5)
_GOV["default_category"] = "other"
_GOV["categories"] = {
    "water_pollution": _cat("水源污染", "Water pollution", "env", _BUREAU_DAYS),  # 004:L27 环保局
    "street_lights": _cat("路灯不亮", "Street lights out", "housing", _BUREAU_DAYS),  # 004:L33 市住建局
    "bus_stops": _cat("公交站台设置", "Bus stop siting", "transport", _BUREAU_DAYS),  # 004:L35 交运局
    "subsistence_allowance": _cat("最低生活保障", "Minimum living allowance", "civil_affairs", _BUREAU_DAYS),  # 004:L37
    "place_names": _cat("地名设置", "Place naming", "civil_affairs", _BUREAU_DAYS),  # 004:L39 民政局
    "adoption": _cat("收养登记", "Adoption registration", "civil_affairs", _BUREAU_DAYS),  # 004:L41 民政部门
    # 004:L19: authority lies with 房管局, but property cases go to 住建局 from now on; 004:L43
    "property_management": _cat("物业管理", "Property management", "housing", _BUREAU_DAYS),
    "minors_internet_cafes": _cat(
        "未成年人进网吧", "Minors in internet cafés", "culture", _BUREAU_DAYS
    ),  # 004:L45 文广局
    "rural_medical_scheme": _cat("新农合管理", "Rural cooperative medical scheme", "health", _BUREAU_DAYS),  # 004:L47
    "pests": _cat("鼠蟑蚊虫", "Rats, cockroaches, mosquitoes", "health", _BUREAU_DAYS),  # 004:L49-51 卫生局
    "bridge_structure": _cat(
        "道路桥梁主体修复", "Road and bridge structure", "transport", _BUREAU_DAYS
    ),  # 004:L53 交运局
    "bridge_railings": _cat("桥梁扶手栏杆", "Bridge railings", "housing", _BUREAU_DAYS),  # 004:L53 住建
    "stray_dogs": _cat("流浪狗管理", "Stray dogs", "police", _BUREAU_DAYS),  # 004:L55 公安局
    "parking_fees": _cat("停车费纠纷", "Parking fee disputes", "development_reform", _BUREAU_DAYS),  # 004:L57 发改委
    # 004:L67 + L59: by the marking on the cover (住建局, or 电信/联通/移动): the dispatcher may choose another.
    "manhole_covers": _cat("井盖丢失", "Missing manhole covers", "housing", _BUREAU_DAYS),
    "edible_oil_production": _cat(
        "食用油生产回收", "Edible oil: production and recycling", "quality_supervision", _BUREAU_DAYS
    ),  # 004:L61 质检
    "edible_oil_market": _cat(
        "食用油流通", "Edible oil: circulation", "industry_commerce", _BUREAU_DAYS
    ),  # 004:L61 工商
    "edible_oil_table": _cat("餐桌食用油", "Edible oil: at the table", "food_drug", _BUREAU_DAYS),  # 004:L61 食药监
    "financial_licensing": _cat(
        "金融许可与融资担保", "Financial licensing and guarantee firms", "banking_regulation", _BUREAU_DAYS
    ),  # 004:L63 银监局
    "taxis": _cat(
        "出租车拒载不打表", "Taxis refusing passengers or the meter", "transport", _BUREAU_DAYS
    ),  # 004:L65,L69
    "other": _cat("其他", "Other", ""),  # not in the routing table: the dispatcher chooses the bureau
}

_SHOP = copy.deepcopy(_TEXTBOOK)
# Not in the seeds: a placeholder 24 h reply promise for every complaint; the shop sets its own.
_SHOP["reply_promise_hours"] = {"simple": 24, "complex": 24}
# A shop's service desk takes consultations, complaints and suggestions; appeals and provincial coordination are
# telecom flows (004:L2135-2219).
_SHOP["kinds"] = ["consultation", "complaint", "suggestion"]
# After-sales types by reason (quality, dislike, usage: 003:L191-192, L238, L249, L409; wrong item and logistics as in
# requirements-B's after-sales states), handled by the after-sales colleagues (003:L192) and closed within 6 days of
# their acceptance (002:L148); a wrong item goes to the warehouse that packed it (003:L196-197). Bad reviews are the
# agents' own work in their time windows (003:L144): no department.
_SIX_DAYS = {"unit": "hours", "amount": 144}  # 002:L148 "自售后服务部受理起六日内结案"
_SHOP["default_category"] = "other"
_SHOP["categories"] = {
    "quality": _cat("质量问题", "Quality problem", "aftersales", _SIX_DAYS),
    "dislike": _cat("不喜欢/七天无理由", "Dislike (7-day return)", "aftersales", _SIX_DAYS),
    "usage": _cat("使用问题", "Usage problem", "aftersales", _SIX_DAYS),
    "wrong_item": _cat("发错货/漏发", "Wrong or missing item", "warehouse", _SIX_DAYS),
    "logistics": _cat("物流问题", "Logistics problem", "aftersales", _SIX_DAYS),
    "bad_review": _cat("中差评", "Bad review", ""),
    "other": _cat("其他", "Other", ""),
}

PRESETS = {"hotline": _TEXTBOOK, "gov12345": _GOV, "ecommerce": _SHOP}


def validate(data: dict) -> list[tuple[str, str]]:
    errors = []
    levels = data.get("levels", {})
    for level in ("1", "2", "3", "4"):
        rule = levels.get(level)
        if not isinstance(rule, dict) or rule.get("unit") not in ("hours", "working_days"):
            errors.append((f"levels.{level}", "时限单位应为 hours 或 working_days"))
        elif not isinstance(rule.get("amount"), (int, float)) or rule["amount"] <= 0:
            errors.append((f"levels.{level}", "时限应为正数"))
        elif rule["unit"] == "working_days" and int(rule["amount"]) != rule["amount"]:
            errors.append((f"levels.{level}", "工作日数应为整数"))
    comp = data.get("compensation", {})
    if comp.get("deputy_from", 0) >= comp.get("gm_above", 0):
        errors.append(("compensation", "副总经理审批下限应小于总经理审批线"))
    # repeat_window_days, retention_days, escalation_interval_hours > 0: the model's rules (TicketsPolicy)
    errors.extend(_kind_errors(data.get("kinds")))
    errors.extend(_category_errors(data.get("categories"), data.get("default_category")))
    return errors


KIND_CODES = ("consultation", "complaint", "suggestion", "appeal", "coordination")  # kefu/tickets/machine.py KINDS
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE_TEXT = "必须是小写字母开头的字母、数字或下划线（至多 40 个）"


class TimeLimit(PolicyModel):
    """A deadline: an amount of hours or of working days (the Chinese working-day calendar)."""

    unit: Choice("hours", "working_days") = Field(description="时限单位：hours 小时，working_days 工作日")
    amount: Num(gt=0) = Field(description="时限的数量（工作日须为整数）")


class Levels(PolicyModel):
    """Resolution deadline per complaint level, from acceptance to the reply (004:L1293-1299)."""

    level_1: TimeLimit = Field(alias="1", description="一级投诉的处理时限")  # 004:L1295
    level_2: TimeLimit = Field(alias="2", description="二级投诉的处理时限")  # 004:L1297
    level_3: TimeLimit = Field(alias="3", description="三级投诉的处理时限")  # 004:L1298
    level_4: TimeLimit = Field(alias="4", description="四级投诉的处理时限")  # 004:L1299


class ReplyPromise(PolicyModel):
    """On-call reply promise (004:L1247)."""

    simple: Num(gt=0) = Field(description="简单问题答复客户的承诺时限（小时）")
    complex: Num(gt=0) = Field(description="复杂问题答复客户的承诺时限（小时）")


class Category(PolicyModel):
    """A category and its flow template (004:L2001, L2055, L2075)."""

    name: Text(min_length=1, max_length=50) = Field(description="类别名称")
    name_en: Text(max_length=50) = Field(description="类别的英文名称（英文页面显示）")
    department: Code(
        r"^([a-z][a-z0-9_-]{0,39})?$", "必须是部门代码（小写字母开头），或为空（派单时选择）", kind="部门代码或空"
    ) = Field(description="派单时默认的承办部门代码；空＝派单员选择")
    time_limit: TimeLimit | None = Field(description="承办部门的处理时限；null＝每次派单时设定")  # 004:L2089
    active: Bool() = Field(description="是否启用；停用的类别不能用于新工单")


class CompensationRoles(PolicyModel):
    """Who approves each compensation tier (002:L150-158)."""

    sales_manager: List(RoleCode(), min_length=1) = Field(description="低于副总经理审批下限的赔偿：可审批的角色")
    deputy_gm: List(RoleCode(), min_length=1) = Field(description="副总经理一级的赔偿：可审批的角色")
    gm: List(RoleCode(), min_length=1) = Field(description="高于总经理审批线的赔偿：可审批的角色")


class Compensation(PolicyModel):
    """Compensation approval by amount (002:L150-158)."""

    deputy_from: Num(ge=0) = Field(description="赔偿金额达到此数（元）起由副总经理一级审批")
    gm_above: Num(gt=0) = Field(description="赔偿金额超过此数（元）由总经理一级审批")
    roles: CompensationRoles = Field(description="各审批层级可审批的角色")


class TicketsPolicy(PolicyModel):
    """工单：投诉分级时限、类别与派单、重复投诉、提醒与升级、保存期限、赔偿审批。"""

    levels: Levels = Field(description="各级投诉从受理到答复的处理时限")  # 004:L1293-1299
    reply_promise_hours: ReplyPromise = Field(description="受理时向客户承诺的首次答复时限（仅投诉）")  # 004:L1247
    consultation_reply: TimeLimit = Field(description="咨询、建议的答复时限（“规定时间”）")  # 004:L1317 leaves it open
    repeat_window_days: Int(gt=0) = Field(
        description="同一客户同一类别在此天数内再次投诉即为重复投诉"
    )  # 004:L1327, L1619
    repeat_priority: Int(ge=0) = Field(description="重复投诉工单的优先级（0 为普通）")  # not from the seeds
    key_account_priority: Int(ge=0) = Field(description="重要客户工单的优先级（0 为普通）")  # not from the seeds
    reminder_before_minutes: Int(ge=0) = Field(description="处理时限到期前多少分钟提醒承办部门")  # 004:L2159
    escalation_interval_hours: Num(gt=0) = Field(description="超时后先报部门领导，再过多少小时报公司领导")  # 004:L2181
    retention_days: Int(gt=0) = Field(description="归档或撤销的工单保存天数，到期销毁")  # SPEC privacy
    kinds: List(Choice(*KIND_CODES), min_length=1) = Field(description="本中心受理的工单类型")  # 004:L2001-2219
    default_category: Code(CODE.pattern, _CODE_TEXT) = Field(description="新工单未选类别时使用的类别代码")
    categories: Map(Category) = Field(description="工单类别（代码 → 名称、承办部门、处理时限、是否启用）")  # 004:L2001
    compensation: Compensation = Field(description="赔偿审批：按金额分级及各级审批角色")  # 002:L150-158


MODEL = TicketsPolicy


def _kind_errors(kinds) -> list[tuple[str, str]]:
    if not isinstance(kinds, list) or not kinds:
        return [("kinds", "受理的工单类型至少一种")]
    unknown = [k for k in kinds if k not in KIND_CODES]
    if unknown:
        return [("kinds", f"未知的工单类型：{'、'.join(map(str, unknown))}；可选：{'、'.join(KIND_CODES)}")]
    return []


def _category_errors(categories, default) -> list[tuple[str, str]]:
    if not isinstance(categories, dict) or not categories:
        return [("categories", "工单类别至少一个")]
    errors = []
    for code, cat in categories.items():
        where = f"categories.{code}"
        if not CODE.match(str(code)):
            errors.append((where, f"类别代码 {code} 应为小写字母开头的字母、数字或下划线（至多 40 个）"))
            continue
        if not isinstance(cat, dict):
            errors.append((where, "应为对象"))
            continue
        name = cat.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 50:
            errors.append((f"{where}.name", f"类别 {code} 的名称不能为空，至多 50 个字"))
            name = code
        if not isinstance(cat.get("name_en", ""), str) or len(cat.get("name_en", "")) > 50:
            errors.append((f"{where}.name_en", f"类别“{name}”的英文名称应为文字，至多 50 个字符"))
        dept = cat.get("department")
        if not isinstance(dept, str) or (dept and not CODE.match(dept.replace("-", "_"))):
            errors.append((f"{where}.department", f"类别“{name}”的承办部门应为部门代码（空＝派单时选择）"))
        limit = cat.get("time_limit")
        if limit is not None:
            if not isinstance(limit, dict) or limit.get("unit") not in ("hours", "working_days"):
                errors.append((f"{where}.time_limit", f"类别“{name}”的处理时限单位应为 hours 或 working_days"))
            elif (
                isinstance(limit.get("amount"), bool)
                or not isinstance(limit.get("amount"), (int, float))
                or limit["amount"] <= 0
            ):
                errors.append((f"{where}.time_limit", f"类别“{name}”的处理时限应为正数"))
            elif limit["unit"] == "working_days" and int(limit["amount"]) != limit["amount"]:
                errors.append((f"{where}.time_limit", f"类别“{name}”的处理时限（工作日）应为整数"))
        if not isinstance(cat.get("active", True), bool):
            errors.append((f"{where}.active", f"类别“{name}”的启用应为 true 或 false"))
    active = [c for c, v in categories.items() if isinstance(v, dict) and v.get("active", True) is True]
    if not active:
        errors.append(("categories", "至少要有一个启用的类别"))
    if default not in active:
        errors.append(("default_category", f"默认类别 {default} 应为启用的类别之一"))
    return errors


def validate_center(data: dict, center, override: dict) -> list[tuple[str, str]]:
    """What only the center knows: every active category the administrator routes (a changed department, a new
    category, one switched on) goes to one of its departments, or to none. A preset's routing the center has not
    set up yet is left alone: such orders wait for the dispatcher's choice."""
    from kefu.org.models import Department

    touched = {
        code
        for code, cat in (override.get("categories") or {}).items()  # a new one names its department
        if isinstance(cat, dict) and {"department", "active"} & set(cat)
    }
    codes = set(Department.objects.filter(center=center).values_list("code", flat=True))
    errors = []
    for code, cat in (data.get("categories") or {}).items():
        if (
            code in touched
            and isinstance(cat, dict)
            and cat.get("active", True)
            and cat.get("department")
            and cat["department"] not in codes
        ):
            errors.append(
                (
                    f"categories.{code}.department",
                    f"类别“{cat.get('name') or code}”的承办部门 {cat['department']} 在本中心不存在",
                )
            )
    return errors
