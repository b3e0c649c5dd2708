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
- optout_keywords: an SMS reply consisting of one of these words (case and spaces ignored) is the customer's refusal
  of follow-up contact (no seed number: the usual "回复TD退订"); the survey SMS names the first one.
- reports_daily / reports_weekly: the manager's daily figures (yesterday) and weekly figures (last Monday-Sunday) by
  e-mail with the Excel attached; daily_report_hour: sent from this local hour; weekly_report_weekday (1 = Monday)
  and weekly_report_hour: 002:L261 "回访工位每周一18:00前将回访客户的满意度情况进行分析汇总并上报客服主任" (Monday, so
  that it is in by 18:00: 17 by default), 002:L214 "每周受理督办、反馈、回访情况" (the weekly figures carry the chases).
  report_roles: staff of these roles receive them (at the e-mail of their notification settings, else their
  account's); report_emails: further addresses.
- owner: who owns an automatic return visit: "acceptor" (the agent who took the order; 004:L1916-1917 the agent
  follows the complaint and feeds the result back).
"""

from __future__ import annotations

from pydantic import Field

from kefu.org.policy_types import Bool, Choice, Int, List, Map, Num, PolicyModel, RoleCode, Text

SECTION = "followup"

_KINDS = (
    "consultation",
    "complaint",
    "suggestion",
    "appeal",
    "coordination",
)  # the order kinds (kefu/tickets/machine.py)

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
    "optout_keywords": ["TD", "退订"],
    "reports_daily": True,
    "reports_weekly": True,  # 002:L261
    "daily_report_hour": 8,
    "weekly_report_weekday": 1,  # 002:L261 每周一
    "weekly_report_hour": 17,  # 002:L261 18:00前
    "report_roles": ["manager", "supervisor"],
    "report_emails": [],
}

PRESETS = {
    "hotline": dict(_BASE),
    # 12345: every appeal answered is also visited (the textbook's 回访阶段, 004:L1915-1917).
    "gov12345": {**_BASE, "return_visit_kinds": ["complaint", "appeal", "suggestion"]},
    "ecommerce": dict(_BASE),
}


class FollowupPolicy(PolicyModel):
    """回访与回呼：回访范围与时限、联系不上的结案、满意度调查、退订、报表。"""

    return_visit_kinds: List(Choice(*_KINDS)) = Field(description="答复后须回访的工单类型")  # 002:L259
    return_visit_hours: Int(ge=1) = Field(description="答复后多少小时内回访")  # 002:L259
    coverage_target: Num(gt=0, le=100) = Field(description="回访率目标（百分比）")  # 002:L259, L395
    max_failed_attempts: Int(ge=1) = Field(description="联系不上达到此次数可结案")  # 002:L259
    member_visit_days: Int(ge=1) = Field(description="会员服务后几天内回访")  # 002:L397
    new_buyer_days: Int(ge=1) = Field(description="网店新买家：发货后第几天回访")  # 001:L310
    received_days: Int(ge=1) = Field(description="网店：签收后第几天回访")  # 001:L312
    long_term_days: Int(ge=1) = Field(description="网店：成为买家超过此天数为老客户")  # 001:L314
    lookback_days: Int(ge=1) = Field(description="定时任务回看多少天内已答复的工单和承诺的回呼")  # not from the seeds
    owner: Choice("acceptor") = Field(description="自动回访任务的负责人：acceptor 受理该工单的座席")  # 004:L1916-1917
    chase_min_interval_minutes: Int(ge=1) = Field(
        description="同一工单两次手动催办的最短间隔（分钟）"
    )  # not from the seeds
    survey_enabled: Bool() = Field(description="答复后是否短信发送满意度调查")  # 004:L1003
    survey_kinds: List(Choice(*_KINDS)) = Field(description="发送满意度调查的工单类型")  # 004:L1003
    survey_expiry_hours: Int(ge=1) = Field(description="调查链接的有效小时数")  # not from the seeds
    ivr_scores: Map(Choice("satisfied", "dissatisfied")) = Field(
        description="语音满意度调查的按键及含义：satisfied 满意，dissatisfied 不满意"
    )  # not from the seeds
    optout_keywords: List(Text(min_length=1, max_length=10), min_length=1) = Field(
        description="客户回复这些词即拒绝回访联系（如“TD”）"
    )  # not from the seeds
    reports_daily: Bool() = Field(description="每天发送前一天的回访数据")  # not from the seeds
    reports_weekly: Bool() = Field(description="每周发送上周的回访汇总")  # 002:L261
    daily_report_hour: Int(ge=0, le=23) = Field(description="日报发送的时刻（本地时间，时）")  # not from the seeds
    weekly_report_weekday: Int(ge=1, le=7) = Field(description="周报在星期几发送（1＝星期一）")  # 002:L261
    weekly_report_hour: Int(ge=0, le=23) = Field(description="周报发送的时刻（本地时间，时）")  # 002:L261
    report_roles: List(RoleCode()) = Field(description="接收报表的角色")  # not from the seeds
    report_emails: List(Text(min_length=3, max_length=200)) = Field(
        description="另外接收报表的电子邮件地址"
    )  # not from the seeds


MODEL = FollowupPolicy


def validate(data: dict) -> list[tuple[str, str]]:
    """What the model (FollowupPolicy) cannot say: the IVR keys and the e-mail addresses."""
    errors = []
    if any(not str(k).strip() or len(str(k)) > 10 for k in data.get("ivr_scores") or {}):
        errors.append(("ivr_scores", "按键应为 1 到 10 个字符"))
    if not data.get("ivr_scores"):
        errors.append(("ivr_scores", "至少要有一个按键"))
    if any("@" not in str(e) for e in data.get("report_emails") or []):
        errors.append(("report_emails", "应为电子邮件地址的列表"))
    return errors
