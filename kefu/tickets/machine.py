"""The work-order state machine, declared once (no Django import): states, transitions, fields.

Synthesised from the textbook's complaint flow (004:L2033-2129), appeals (004:L2135-2171) and provincial
coordination (004:L2173-2219). `kefu.tickets.services.transition` is the only code that applies it.
"""
from __future__ import annotations

from dataclasses import dataclass

from kefu.org.roles import Role

# --- states ---------------------------------------------------------------------------------------
ACCEPTED = "accepted"
REVIEWED = "reviewed"
VERIFYING = "verifying"
PROCESSING = "processing"
RESOLVED = "resolved"
REPLIED = "replied"
ARCHIVED = "archived"
CANCELLED = "cancelled"

STATES: dict[str, str] = {
    ACCEPTED: "已受理",
    REVIEWED: "已复核待派单",
    VERIFYING: "申诉核实中",
    PROCESSING: "处理中",
    RESOLVED: "已处理待回复",
    REPLIED: "已回复",
    ARCHIVED: "已归档",
    CANCELLED: "已撤消",
}
OPEN_STATES = frozenset({ACCEPTED, REVIEWED, VERIFYING, PROCESSING, RESOLVED})
# The resolution clock stops at the reply to the customer (004:L1293).
CLOCK_STOPPED = frozenset({REPLIED, ARCHIVED, CANCELLED})

# --- kinds ----------------------------------------------------------------------------------------
CONSULTATION, COMPLAINT, SUGGESTION, APPEAL, COORDINATION = "consultation", "complaint", "suggestion", "appeal", "coordination"
KINDS: dict[str, str] = {
    CONSULTATION: "咨询", COMPLAINT: "投诉", SUGGESTION: "建议", APPEAL: "申诉", COORDINATION: "协调单",
}
ORDINARY_KINDS = frozenset({CONSULTATION, COMPLAINT, SUGGESTION})

SATISFACTION = {"satisfied": "满意", "dissatisfied": "不满意"}

# --- transition fields: name -> (type, Chinese label, max length / choices) -------------------------
TEXT, BOOL, CHOICE, DATETIME, DEPARTMENT, LEVEL = "text", "bool", "choice", "datetime", "department", "level"
FIELDS: dict[str, tuple] = {
    "review_opinion": (TEXT, "复核意见", 500),
    "is_invalid": (BOOL, "无效投诉", None),
    "category": (CHOICE, "投诉类别", None),  # choices checked against the model
    "complainant_type": (CHOICE, "投诉人类型", None),
    "level": (LEVEL, "投诉级别", None),
    "dispatch_opinion": (TEXT, "派送意见", 500),
    "department": (DEPARTMENT, "处理部门", None),
    "station": (TEXT, "处理工位", 50),
    "handling_deadline": (DATETIME, "处理时限", None),
    "result": (TEXT, "解决情况", 1000),
    "cause": (TEXT, "原因", 500),
    "overdue_reason": (TEXT, "超时原因", 500),
    "return_reason": (TEXT, "退单原因", 500),
    "transfer_reason": (TEXT, "转派原因", 500),
    "reply_opinion": (TEXT, "回复意见", 1000),
    "satisfaction": (CHOICE, "用户满意度", tuple(SATISFACTION)),
    "final_reply": (TEXT, "最终回复", 1000),
    "analysis": (TEXT, "归档分析", 2000),
    "is_typical": (BOOL, "典型案例", None),
    "case_title": (TEXT, "案例标题", 100),
    "case_tags": (TEXT, "案例标签", 100),
    "verification_request": (TEXT, "核实请求", 1000),
    "verification_result": (TEXT, "核实结果", 1000),
    "arbitration_result": (CHOICE, "仲裁结果", ("verified", "not_verified")),
    "report": (TEXT, "行文上报", 2000),
    "note": (TEXT, "备注", 500),
}

DISPATCHERS = frozenset({Role.DISPATCHER, Role.SUPERVISOR})
HANDLERS = frozenset({Role.DEPT_HANDLER})
REPLIERS = frozenset({Role.AGENT, Role.SENIOR_AGENT, Role.DISPATCHER, Role.SUPERVISOR})
FRONT = frozenset({Role.AGENT, Role.SENIOR_AGENT, Role.SUPERVISOR})


@dataclass(frozen=True)
class T:
    name: str
    label: str
    src: frozenset[str]
    dst: str
    roles: frozenset[Role]
    requires: tuple[str, ...] = ()
    allows: tuple[str, ...] = ("note",)
    kinds: frozenset[str] = frozenset(KINDS)
    seed: str = ""
    at_department: bool = False  # the actor must belong to the order's current department
    guard: str = ""  # name of an extra condition checked by services (see GUARDS)

    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.requires + self.allows))


def _t(name, label, src, dst, roles, **kw) -> T:
    src = frozenset({src} if isinstance(src, str) else src)
    allows = tuple(kw.pop("allows", ())) + ("note",)
    return T(name, label, src, dst, frozenset(roles), allows=allows, **{k: (frozenset(v) if k == "kinds" else v) for k, v in kw.items()})


TRANSITIONS: list[T] = [
    # Answer at once during the call (004:L2011); a reply needs opinion + satisfaction (004:L2115-2117).
    _t("answer", "即时解答", ACCEPTED, REPLIED, FRONT, requires=("reply_opinion", "satisfaction"),
       kinds=ORDINARY_KINDS, seed="004:L2011"),
    # Review: classification may be corrected; distributor type is added here (004:L2055).
    _t("review", "复核", ACCEPTED, REVIEWED, DISPATCHERS, requires=("review_opinion",),
       allows=("category", "complainant_type", "level"), kinds=ORDINARY_KINDS, seed="004:L2055"),
    # Invalid complaints are cancelled at review (004:L2055-2063).
    _t("cancel", "撤消无效投诉", ACCEPTED, CANCELLED, DISPATCHERS, requires=("review_opinion",),
       kinds=ORDINARY_KINDS, seed="004:L2063"),
    # Dispatch needs a dispatch opinion (004:L2077); the flow template gives the default department (004:L2075).
    _t("dispatch", "派单", REVIEWED, PROCESSING, DISPATCHERS, requires=("dispatch_opinion",),
       allows=("department", "station", "handling_deadline"), seed="004:L2077"),
    # Processing at the department (004:L2089, L2097, L2105).
    _t("resolve", "处理完成", PROCESSING, RESOLVED, HANDLERS, requires=("result", "cause"),
       allows=("overdue_reason",), at_department=True, guard="overdue_needs_reason", seed="004:L2089"),
    _t("return", "退单", PROCESSING, REVIEWED, HANDLERS, requires=("return_reason",), at_department=True,
       seed="004:L2097"),
    _t("transfer", "转派", PROCESSING, PROCESSING, HANDLERS,
       requires=("transfer_reason", "station", "department", "handling_deadline"), allows=("level",),
       at_department=True, seed="004:L2105"),
    _t("explain_overdue", "填写超时原因", PROCESSING, PROCESSING, HANDLERS, requires=("overdue_reason",),
       at_department=True, guard="is_overdue", seed="004:L2097"),
    # Reply to the customer with opinion and satisfaction (004:L2115-2117).
    _t("reply", "回复客户", RESOLVED, REPLIED, REPLIERS, requires=("reply_opinion", "satisfaction"), seed="004:L2117"),
    # Dissatisfied customer: dispatch again; many reply rounds are allowed (004:L2127).
    _t("redispatch", "重新派单", REPLIED, PROCESSING, DISPATCHERS, requires=("dispatch_opinion",),
       allows=("department", "station", "handling_deadline"), guard="dissatisfied", seed="004:L2127"),
    # Archive with analysis; typical cases go to the case library (004:L2171, L2219).
    _t("archive", "归档", REPLIED, ARCHIVED, DISPATCHERS, requires=("analysis",),
       allows=("is_typical", "case_title", "case_tags", "final_reply"), guard="final_reply_if_dissatisfied",
       seed="004:L2171"),
    # Appeals (004:L2153-2167): an appeal that is not new goes straight to the reply.
    _t("appeal_reply", "申诉答复", ACCEPTED, REPLIED, DISPATCHERS, requires=("reply_opinion", "satisfaction"),
       kinds={APPEAL}, guard="appeal_not_new", seed="004:L2153"),
    _t("appeal_verify", "申诉核实", ACCEPTED, VERIFYING, DISPATCHERS, requires=("verification_request",),
       allows=("department",), kinds={APPEAL}, guard="appeal_new", seed="004:L2155"),
    # Not verified: cancelled, replied and archived at once, with the written report (004:L2167).
    _t("appeal_reject", "核实不成立撤单", VERIFYING, ARCHIVED, DISPATCHERS,
       requires=("verification_result", "reply_opinion", "report"), allows=("satisfaction",), kinds={APPEAL},
       seed="004:L2167"),
    # Verified: dispatch with the provincial opinion and a deadline (004:L2157).
    _t("appeal_dispatch", "申诉派单", VERIFYING, PROCESSING, DISPATCHERS,
       requires=("verification_result", "dispatch_opinion", "department", "handling_deadline"), allows=("station",),
       kinds={APPEAL}, seed="004:L2157"),
    # Coordination orders go to a department with a feedback deadline (004:L2179).
    _t("coordinate", "协调派单", ACCEPTED, PROCESSING, DISPATCHERS,
       requires=("dispatch_opinion", "department", "handling_deadline"), allows=("station",),
       kinds={COORDINATION}, seed="004:L2179"),
]
BY_NAME: dict[str, T] = {t.name: t for t in TRANSITIONS}


def label_of(state: str) -> str:
    return STATES.get(state, state)


def candidates(kind: str, state: str) -> list[T]:
    """Transitions whose kind and source state match (roles and guards are checked by the caller)."""
    return [t for t in TRANSITIONS if kind in t.kinds and state in t.src]
