"""Work-order rules as policy data (read with kefu.org.policy.policy_for("tickets", center))."""
from __future__ import annotations

import copy

SECTION = "tickets"

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
    # Flow template: complaint category -> default department code at dispatch (004:L2075).
    "flow_templates": {"tariff": "billing", "network": "network", "business": "marketing", "service": "province",
                       "other": "province"},
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
_GOV["flow_templates"] = {"tariff": "billing", "network": "network", "business": "marketing", "service": "province",
                          "other": "province"}

_SHOP = copy.deepcopy(_TEXTBOOK)
# Not in the seeds: a placeholder 24 h reply promise for every complaint; the shop sets its own.
_SHOP["reply_promise_hours"] = {"simple": 24, "complex": 24}

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
    for key in ("repeat_window_days", "retention_days", "escalation_interval_hours"):
        if not isinstance(data.get(key), (int, float)) or data[key] <= 0:
            errors.append((key, "应为正数"))
    return errors
