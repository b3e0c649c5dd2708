"""Knowledge-base policy: who is notified, how soon expiry warns, what publishing requires."""

from pydantic import Field

from kefu.org.policy_types import Bool, Choice, Int, List, PolicyModel, RoleCode

SECTION = "knowledge"


class KnowledgePolicy(PolicyModel):
    """知识库：发布通知、发布前确认、到期提醒、检索与用语检查。"""

    notify_roles: List(RoleCode()) = Field(description="新版本发布时通知的角色")  # 004:L957
    require_issuer_confirmation: Bool() = Field(description="入库前须由发布部门确认统一口径")  # 002:L264
    forbid_self_approval: Bool() = Field(description="作者不得审批自己编写的版本")  # 004:L959
    expiry_warning_days: Int(ge=0) = Field(description="条目失效前多少天提醒编辑")  # 002:L266
    search_results: Int(ge=1, le=50) = Field(description="通话中给座席显示的检索结果条数")  # not from the seeds
    check_categories: List(Choice("forbidden", "discouraged")) = Field(
        description="用语检查报告的类别：forbidden 服务忌语，discouraged 习惯用语"
    )  # 004:L1169, L1801


MODEL = KnowledgePolicy

_BASE = {
    # 004:L957: after an update the editor notifies the staff (及时通知) — the roles notified on publish.
    "notify_roles": ["agent", "senior_agent"],
    # 002:L264: the issuing department confirms the unified wording before it enters the KB.
    "require_issuer_confirmation": True,
    # 004:L959: the team lead approves; the author may not approve their own version.
    "forbid_self_approval": True,
    # 002:L266 records start and end times; warn the editor this many days before an entry expires.
    "expiry_warning_days": 7,
    # Results shown to an agent during a call.
    "search_results": 5,
    # The phrase checker over replies: which categories are reported (服务忌语 004:L1169, 习惯用语 004:L1801).
    "check_categories": ["forbidden", "discouraged"],
}

PRESETS = {
    "hotline": dict(_BASE),
    # 12345 hotline (004:L13-69 quiz): the same KB discipline; policy facts come from government notices.
    "gov12345": dict(_BASE),
    # E-commerce rulebooks (000/001/003) describe no issuer confirmation of scripts; the shop lead approves.
    "ecommerce": {**_BASE, "require_issuer_confirmation": False, "expiry_warning_days": 3},
}


def validate(data: dict) -> list[tuple[str, str]]:
    errors = []
    if not isinstance(data.get("expiry_warning_days"), int) or data["expiry_warning_days"] < 0:
        errors.append(("expiry_warning_days", "失效提醒天数应为非负整数"))
    if not isinstance(data.get("search_results"), int) or not 1 <= data["search_results"] <= 50:
        errors.append(("search_results", "检索结果条数应在 1 到 50 之间"))
    if not set(data.get("check_categories", [])) <= {"forbidden", "discouraged"}:
        errors.append(("check_categories", "用语检查类别只能是 forbidden、discouraged"))
    return errors
