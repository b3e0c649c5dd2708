"""回访与回呼制度参数 (follow-up policy). Read with policy_for("followup", center).

- return_visit_kinds: order kinds whose reply calls for a return visit; return_visit_hours: within how long of the
  result (002:L259 "回访工位及时将各责任部门的处理结果在72小时内回访至用户，回访率达100%").
- coverage_target: percent of those orders to be visited (002:L259: 100 %; 002:L395 members: 100 %).
- max_failed_attempts: failed attempts after which a task may be closed as unreachable (002:L259 "3—5次联系不上
  的可做结案": the lower bound, 3, by default).
- member_visit_days: a member visit within D+3 of the service (002:L397 "必须保证在三天之内回访").
- new_buyer_days / received_days / long_term_days: e-commerce visits D+2 after shipping, R+5 after receipt, and
  the segment of buyers older than a month (001:L310-314).
- lookback_days: how far back the timer looks for replied orders and promised callbacks (a new center does not
  get visits for its whole history).
- chase_min_interval_minutes: a manual chase of the same order no sooner than this after the last one (no seed
  number; keeps a department from being flooded).
- survey_enabled / survey_kinds / survey_expiry_hours: a satisfaction survey by SMS after the reply of these
  kinds (004:L1003 "进行客户回访及客户满意度调查"), its signed link valid this long (no seed number: 72 h).
- ivr_scores: the keys of an IVR satisfaction survey and what each means (no seed number: the usual
  "满意请按1，基本满意请按2，不满意请按3"); results imported from the IVR's export are matched to orders.
- owner: who owns an automatic return visit: "acceptor" (the agent who took the order; 004:L1916-1917 the agent
  follows the complaint and feeds the result back).
"""
from __future__ import annotations

SECTION = "followup"

_BASE = {
    "return_visit_kinds": ["complaint"],  # 002:L259
    "return_visit_hours": 72,  # 002:L259
    "coverage_target": 100,  # 002:L259, L395
    "max_failed_attempts": 3,  # 002:L259 (3-5)
    "member_visit_days": 3,  # 002:L397
    "new_buyer_days": 2,  # 001:L310
    "received_days": 5,  # 001:L312
    "long_term_days": 30,  # 001:L314
    "lookback_days": 7,
    "owner": "acceptor",
    "chase_min_interval_minutes": 30,
    "survey_enabled": True,  # 004:L1003 客户满意度调查
    "survey_kinds": ["complaint", "consultation", "suggestion"],
    "survey_expiry_hours": 72,
    "ivr_scores": {"1": "satisfied", "2": "satisfied", "3": "dissatisfied"},
}

PRESETS = {
    "hotline": dict(_BASE),
    # 12345: every appeal answered is also visited (the textbook's 回访阶段, 004:L1915-1917).
    "gov12345": {**_BASE, "return_visit_kinds": ["complaint", "appeal", "suggestion"]},
    "ecommerce": dict(_BASE),
}


def validate(data: dict) -> list[tuple[str, str]]:
    errors = []
    for key in ("survey_expiry_hours", "chase_min_interval_minutes", "return_visit_hours", "max_failed_attempts", "member_visit_days", "new_buyer_days", "received_days",
                "long_term_days", "lookback_days"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            errors.append((key, f"{key}：应为正整数"))
    target = data.get("coverage_target")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target <= 100):
        errors.append(("coverage_target", "coverage_target：应在 0 到 100 之间"))
    scores = data.get("ivr_scores")
    if scores is not None and (not isinstance(scores, dict) or not scores
                               or any(v not in ("satisfied", "dissatisfied") for v in scores.values())
                               or any(not str(k).strip() or len(str(k)) > 10 for k in scores)):
        errors.append(("ivr_scores", "ivr_scores：应为“按键: satisfied 或 dissatisfied”的对照表"))
    return errors
