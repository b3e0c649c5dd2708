"""Knowledge-base policy: who is notified, how soon expiry warns, what publishing requires."""
SECTION = "knowledge"

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
