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
REASONS = ["查询积分后回电告知", "退费到账后回电确认", "故障修复后回电确认", "资费调整后回电说明", "约定时间回电办理业务",
           "会员服务回访", "核实地址后回电"]
PHONES = ["1380013{:04d}", "1390012{:04d}", "1370011{:04d}"]


def build(center, rng, out) -> None:
    if center is None or Task.objects.filter(center=center).exists():
        out.write("  回访回呼：已有演示数据或没有中心，跳过")
        return
    agents = list(Staff.objects.filter(center=center, user__username__in=[f"agent{n}" for n in range(1, 9)]))
    if not agents:
        out.write("  回访回呼：缺少演示员工，跳过")
        return
    now = timezone.now()
    pol = {**policy_for("followup", center), "lookback_days": DAYS + 1}
    made = services.return_visits(center, pol, now) + services.order_callbacks(center, pol, now)
    made += services.shiftlog_callbacks(center, now)
    from kefu.customers.services import upsert_customer

    for day in range(DAYS, -3, -1):
        for _ in range(rng.randint(2, 4)):
            owner = rng.choice(agents)
            due = now - timedelta(days=day, hours=rng.randint(0, 8), minutes=rng.choice([0, 15, 30, 45]))
            phone = rng.choice(PHONES).format(rng.randint(0, 9999))
            customer = upsert_customer(center, phone=phone)
            kind = rng.choice(["callback", "callback", "callback", "member_visit"])
            if services.add_task(center, kind=kind, owner=owner, due_at=due, source="manual", customer=customer,
                                reason=Msg("followup.reason.manual", text=rng.choice(REASONS)), created_by=owner,
                                now=due - timedelta(hours=rng.randint(2, 48))):
                made += 1
    _play(center, rng, now)
    out.write(f"  回访回呼：{made} 个任务")


def _play(center, rng, now) -> None:
    """Outcomes of the tasks already due: tries at plausible times, through the machine like a person would."""
    for task in Task.objects.filter(center=center, state="open", due_at__lt=now - timedelta(hours=2)).select_related(
            "owner").order_by("due_at"):
        scope = scope_of(task.owner)
        roll = rng.random()
        first = max(task.due_at - timedelta(hours=rng.randint(1, 20)), task.created_at + timedelta(minutes=10))
        if roll < 0.72:  # reached: mostly before the due time, some late
            at = first if rng.random() < 0.85 else task.due_at + timedelta(hours=rng.randint(1, 30))
            if rng.random() < 0.3:
                task = services.fire(scope, task.pk, "attempt", version=task.version, outcome=rules.NO_ANSWER,
                                     now=at - timedelta(hours=1))
            services.fire(scope, task.pk, "complete", version=task.version, now=min(at, now),
                          result=rng.choice(["客户确认问题已解决", "客户表示满意", "已告知处理结果"]),
                          satisfaction="satisfied" if rng.random() < 0.86 else "dissatisfied")
        elif roll < 0.86:  # three failed tries, closed as unreachable (002:L259)
            at = first
            for outcome in (rules.NO_ANSWER, rules.BUSY, rules.POWERED_OFF):
                task = services.fire(scope, task.pk, "attempt", version=task.version, outcome=outcome, now=at)
                at += timedelta(hours=3)
            services.fire(scope, task.pk, "close", version=task.version, closure=rules.UNREACHABLE, now=min(at, now))
        elif roll < 0.92:
            task = services.fire(scope, task.pk, "attempt", version=task.version, outcome=rules.WRONG_NUMBER, now=first)
            services.fire(scope, task.pk, "close", version=task.version, closure=rules.WRONG_NUMBER, now=first)
        # else: left open and overdue, for the queue and the figures to show
