"""Demo follow-up for the last month: return visits of the demo's replied complaints (due 72 h after the reply,
002:L259), promised callbacks, the handover diary's callbacks due, and callbacks taken by hand on each day; most
reached in time, some late, some closed after three failed tries or a wrong number, a few still open and overdue."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.followup import rules, services
from kefu.followup.models import Task
from kefu.messages import Msg
from kefu.org.models import Staff
from kefu.org.policy import policy_for
from kefu.scope import scope_of

DAYS = 30
TIMER_HOURS = 4  # how often the demo's follow-up timer looked for replied orders and promised callbacks
REASONS = [
    "查询积分后回电告知",
    "退费到账后回电确认",
    "故障修复后回电确认",
    "资费调整后回电说明",
    "约定时间回电办理业务",
    "会员服务回访",
    "核实地址后回电",
]
PHONES = ["1380013{:04d}", "1390012{:04d}", "1370011{:04d}"]


def build(center, rng, out) -> None:
    if center is not None:
        campaign(center, rng, out)
    if center is None or Task.objects.filter(center=center).exists():
        out.write("  回访回呼：已有演示数据或没有中心，跳过")
        return
    agents = list(Staff.objects.filter(center=center, user__username__in=[f"agent{n}" for n in range(1, 9)]))
    if not agents:
        out.write("  回访回呼：缺少演示员工，跳过")
        return
    now = timezone.now()
    # The follow-up timer as it ran over the month, every few hours: a return visit is set up soon after the reply
    # (not all at once today), so the agents could reach most customers before the visit's due time.
    pol = {**policy_for("followup", center), "lookback_days": 2}
    made = 0
    tick = now - timedelta(days=DAYS + 1)
    while tick < now:
        tick = min(tick + timedelta(hours=TIMER_HOURS), now)
        made += services.return_visits(center, pol=pol, now=tick) + services.order_callbacks(center, pol=pol, now=tick)
    made += services.shiftlog_callbacks(center, now)
    from kefu.customers.services import upsert_customer

    for day in range(DAYS, -3, -1):
        for _ in range(rng.randint(2, 4)):
            owner = rng.choice(agents)
            due = now - timedelta(days=day, hours=rng.randint(0, 8), minutes=rng.choice([0, 15, 30, 45]))
            phone = rng.choice(PHONES).format(rng.randint(0, 9999))
            customer = upsert_customer(center, phone=phone)
            kind = rng.choice(["callback", "callback", "callback", "member_visit"])
            if services.add_task(
                center,
                kind=kind,
                owner=owner,
                due_at=due,
                source="manual",
                customer=customer,
                reason=Msg("followup.reason.manual", text=rng.choice(REASONS)),
                created_by=owner,
                now=due - timedelta(hours=rng.randint(2, 48)),
            ):
                made += 1
    _play(center, rng, now)
    out.write(f"  回访回呼：{made} 个任务")


def _play(center, rng, now) -> None:
    """Outcomes of the tasks already due: tries at plausible times, through the machine like a person would."""
    for task in (
        Task.objects.filter(center=center, state="open", due_at__lt=now - timedelta(hours=2))
        .select_related("owner")
        .order_by("due_at")
    ):
        scope = scope_of(task.owner)
        roll = rng.random()
        visit = task.kind == Task.Kind.RETURN_VISIT
        # A return visit of a replied complaint is the center's 100 % goal: nearly always reached, and the customer,
        # whose complaint was resolved, mostly satisfied; a promised callback is reached a little less often.
        reached, unreachable, wrong = (0.93, 0.98, 0.99) if visit else (0.8, 0.9, 0.95)
        first = max(task.due_at - timedelta(hours=rng.randint(1, 20)), task.created_at + timedelta(minutes=10))
        if roll < reached:  # reached: mostly before the due time, some late
            at = first if rng.random() < 0.9 else task.due_at + timedelta(hours=rng.randint(1, 30))
            if rng.random() < 0.3:
                task = services.fire(
                    scope,
                    task.pk,
                    name="attempt",
                    version=task.version,
                    outcome=rules.NO_ANSWER,
                    now=at - timedelta(hours=1),
                )
            services.fire(
                scope,
                task.pk,
                name="complete",
                version=task.version,
                now=min(at, now),
                result=rng.choice(["客户确认问题已解决", "客户表示满意", "已告知处理结果"]),
                satisfaction="satisfied" if rng.random() < (0.96 if visit else 0.9) else "dissatisfied",
            )
        elif roll < unreachable:  # three failed tries, closed as unreachable (002:L259)
            at = first
            for outcome in (rules.NO_ANSWER, rules.BUSY, rules.POWERED_OFF):
                task = services.fire(scope, task.pk, name="attempt", version=task.version, outcome=outcome, now=at)
                at += timedelta(hours=3)
            services.fire(
                scope, task.pk, name="close", version=task.version, closure=rules.UNREACHABLE, now=min(at, now)
            )
        elif roll < wrong:
            task = services.fire(
                scope, task.pk, name="attempt", version=task.version, outcome=rules.WRONG_NUMBER, now=first
            )
            services.fire(scope, task.pk, name="close", version=task.version, closure=rules.WRONG_NUMBER, now=first)
        # else: left open and overdue, for the queue and the figures to show


CAMPAIGN = "宽带到期续约回访"
QUESTIONS = (
    "您对目前的宽带服务满意吗 | 满意 / 基本满意 / 不满意\n"
    "合约到期后是否愿意续约 | 愿意 / 考虑一下 / 不愿意\n"
    "您最希望改进的方面 | 网速 / 价格 / 售后服务 / 其他\n"
    "其他意见或建议"
)
OFFER = "续约两年赠送三个月宽带使用费，并免费提速至500M（限本活动名单客户，经授权座席方可告知）"
NOTES = ["请客户说出具体问题", "晚上更方便接听", "", "", "老客户", "上次投诉过网速"]
ADVICE = ["希望晚上网速稳定", "价格再优惠些", "无", "装机师傅服务很好", "希望上门更及时"]


def campaign(center, rng, out) -> None:
    """One running outbound campaign (004:L1001-1009): a renewal survey of 60 customers with a questionnaire and a
    retention offer for senior agents (and one agent granted it), worked over the last ten days by the agents:
    completed questionnaires, refusals, failed tries closed after three (002:L259), many still to call."""
    from kefu.customers.models import Customer
    from kefu.customers.services import upsert_customer
    from kefu.followup import campaigns
    from kefu.followup.models import Campaign

    if Campaign.objects.filter(center=center, name=CAMPAIGN).exists():
        out.write("  外呼活动：已有演示活动，跳过")
        return
    lead = Staff.objects.filter(center=center, user__username="supervisor1").first()
    agents = list(Staff.objects.filter(center=center, user__username__in=[f"agent{n}" for n in range(1, 9)]))
    if lead is None or not agents:
        out.write("  外呼活动：缺少演示员工，跳过")
        return
    now = timezone.now()
    started = now - timedelta(days=10, hours=3)
    c = campaigns.create(
        scope_of(lead),
        {
            "name": CAMPAIGN,
            "purpose": "本月及下月宽带合约到期的客户：了解满意度与续约意向",
            "questionnaire": QUESTIONS,
            "offer_text": OFFER,
            "offer_roles": ["senior_agent"],
        },
        now=started,
    )
    c.offer_staff.add(agents[0])
    customers = list(Customer.objects.filter(center=center).order_by("pk")[:40])
    while len(customers) < 60:
        customers.append(upsert_customer(center, phone=f"1360010{len(customers):04d}"))
    notes = {cu.pk: rng.choice(NOTES) for cu in customers}
    campaigns.add_customers(c, customers, "upload", started, notes)
    questions = c.questionnaire
    for day in range(9, -1, -1):
        for agent in rng.sample(agents, min(3, len(agents))):
            scope = scope_of(agent)
            at = now - timedelta(days=day, hours=rng.randint(1, 6))
            for _ in range(rng.randint(1, 3)):
                at += timedelta(minutes=rng.randint(4, 15))
                target = campaigns.take_next(scope, c.pk, now=at)
                if target is None:
                    break
                _work(scope, target, questions, rng, at)
    from kefu.followup.models import CampaignTarget

    CampaignTarget.objects.filter(campaign=c, state="open").update(holder=None, taken_at=None)
    p = campaigns.progress(c)
    out.write(f"  外呼活动：{c.name}，名单 {p.total} 人，已呼叫 {p.called}，完成问卷 {p.completed}")


def _work(scope, target, questions, rng, at) -> None:
    from kefu.followup import campaigns

    roll = rng.random()
    if roll < 0.5:
        answers = {q["key"]: rng.choice(q["scale"]) if q["scale"] else rng.choice(ADVICE) for q in questions}
        fields = {"answers": answers}
        if campaigns.may_see_offer(scope, target.campaign) and answers.get("q2") != "愿意":
            fields["offer"] = rng.choice(["accepted", "declined"])
        campaigns.fire(scope, target.pk, "complete", version=target.version, now=at, **fields)
    elif roll < 0.62:
        target = campaigns.fire(scope, target.pk, "attempt", version=target.version, outcome=rules.REFUSED, now=at)
        campaigns.fire(scope, target.pk, "close", version=target.version, closure=rules.REFUSED, now=at)
    else:
        outcome = rng.choice([rules.NO_ANSWER, rules.BUSY, rules.POWERED_OFF])
        target = campaigns.fire(scope, target.pk, "attempt", version=target.version, outcome=outcome, now=at)
        if target.attempt_count >= 3:
            campaigns.fire(scope, target.pk, "close", version=target.version, closure=rules.UNREACHABLE, now=at)
