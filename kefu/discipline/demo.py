"""Demo: teamlead1's group's work rules and phrase standards; last month's violations from the demo center's own evidence (attendance, QA red lines, overdue orders),
two spot-check entries by a team lead, one appeal upheld, a reward, the fund's spending and publication, and every
agent's grade and bonus computed (left as a draft for the manager to approve)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.org.models import Staff
from kefu.scope import scope_of

from . import services
from .models import AppraisalMonth, Violation

DEMO_WORK_RULES = [
    {"title": "交接班", "text": "提前十五分钟到岗，查看交接班记录，未办结的工单当面交接清楚。"},
    {"title": "在岗纪律", "text": "离开座席须向班长说明去向；离岗超过二十分钟按制度记违规。"},
    {"title": "工位整洁", "text": "下班前清理桌面，耳麦和键盘放回原位，不在工位进食。"},
]
DEMO_PHRASES = {
    "standard": [{"situation": "closing", "title": "本组结束语", "text": "感谢您的来电，祝您生活愉快，再见！"}],
    "discouraged": [
        {"phrase": "搞不定", "suggestion": "我马上为您确认后给您答复"},
        {"phrase": "没听说过", "suggestion": "这个情况我需要核实一下，请您稍等"},
    ],
}


def team_standards(center, out) -> None:
    """teamlead1's group: its work rules and phrase standards (004:L913), once."""
    from .models import TeamStandard

    lead = Staff.objects.filter(center=center, user__username="teamlead1").first()
    team = lead.team if lead is not None and lead.team_id and lead.team.lead_id == lead.pk else None
    if team is None or TeamStandard.objects.filter(team=team).exists():
        return
    services.set_work_rules(scope_of(lead), team.pk, sections=DEMO_WORK_RULES)
    services.set_phrase_standards(scope_of(lead), team.pk, **DEMO_PHRASES)
    out.write(f"  奖惩：{team.name}的班组规章制度 {len(DEMO_WORK_RULES)} 条，用语规范已制定")


def build(center, rng, out) -> None:
    team_standards(center, out)
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    if AppraisalMonth.objects.filter(center=center, month=month).exists():
        out.write("  奖惩：已存在，跳过")
        return
    lead = Staff.objects.filter(center=center, user__username="teamlead1").first()
    manager = Staff.objects.filter(center=center, user__username="manager1").first()
    if lead is None or manager is None:
        out.write("  奖惩：缺少班长或中心经理，跳过")
        return
    lead_scope, manager_scope = scope_of(lead), scope_of(manager)
    counts = services.record_from_evidence(lead_scope, month)
    agents = list(services.appraised_staff(center).filter(user__groups__name="agent"))
    manual = [
        ("chatting", "查岗：上班时间与邻座闲聊约10分钟"),
        ("registration_error", "抽查工单：来电人地址漏登记"),
        ("chatting", "观察：交接班时聚集聊天"),
    ]
    made = []
    for i, (type_code, note) in enumerate(manual):
        if not agents:
            break
        agent = agents[(i * 3) % len(agents)]
        day = month + timedelta(days=4 + i * 7)
        try:
            made.append(
                services.record_violation(
                    lead_scope, staff_no=agent.staff_no, type_code=type_code, occurred_on=day, note=note
                )
            )
        except RuleViolation:
            continue
    # One appeal, upheld by another lead: the record is voided and its fine reversed.
    appealed = made[0] if made else Violation.objects.filter(center=center, occurred_on__gte=month).first()
    other_lead = Staff.objects.filter(center=center, user__username="teamlead2").first() or manager
    if appealed is not None:
        try:
            v = services.transition(
                scope_of(appealed.staff), appealed.pk, name="appeal", reason="当时在向同事请教业务问题"
            )
            services.transition(scope_of(other_lead), v.pk, name="lead_uphold", note="经核实为业务交流")
        except RuleViolation:
            pass
    clean = [
        a
        for a in agents
        if not Violation.objects.filter(
            staff=a, occurred_on__gte=month, state__in=("recorded", "acknowledged")
        ).exists()
    ]
    if clean:
        try:
            r = services.propose_reward(
                lead_scope,
                staff_no=clean[0].staff_no,
                type_code="report_violation",
                month=month,
                reason="检举他人代打卡",
            )
            services.decide_reward(manager_scope, r.pk, approve=True)
        except RuleViolation:
            pass
    department_id = lead.department_id
    left = services.balance(center, department_id)
    if left > 0:
        spend = services.enter_spending(
            lead_scope,
            department_id=department_id,
            amount=min(left, 30),
            purpose="班组生日会水果",
            spent_on=month + timedelta(days=25),
        )
        services.decide_spending(manager_scope, spend.pk, approve=True)
    services.publish_fund(manager_scope, department_id, month=month)
    period = services.compute_month(manager_scope, month)
    # This month's evidence so far (the demo's orders and calls are recent): recorded, not yet appraised.
    now_counts = services.record_from_evidence(lead_scope, timezone.localdate())
    out.write(
        f"  奖惩：{month:%Y-%m} 从证据记录违规 {sum(counts.values())} 条（{counts}），录入 {len(made)} 条，"
        f"考核 {period.rows.count()} 人；本月至今从证据记录 {sum(now_counts.values())} 条（{now_counts}）"
    )
