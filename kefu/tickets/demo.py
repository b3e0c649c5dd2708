"""Demo work orders: a few hundred over the last 60 days in every state, kind and level, built through services.

Includes overdue and escalated orders (the deadline scan is run twice, a day apart), repeat complaints,
key accounts, appeals, coordination orders, compensation requests and typical cases.
"""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.org.models import Staff
from kefu.tickets import machine, services
from kefu.tickets.models import Order

COUNT = 320
SUBJECTS = {
    "tariff": ["话费多扣", "套餐资费不符", "流量超额收费", "国际漫游费争议"],
    "service": ["营业员态度差", "热线长时间无人接听", "承诺回电未兑现"],
    "network": ["室内信号差", "宽带频繁掉线", "基站故障无法通话"],
    "business": ["彩铃无法退订", "积分兑换失败", "宽带迁移办理慢"],
    "other": ["短信骚扰", "发票开具问题"],
}
HANDLER_OF = {"billing": "handler1", "network": "handler2", "marketing": "handler3", "province": "handler4"}


def _staff(username: str) -> Staff | None:
    return Staff.objects.select_related("user", "department", "team").filter(user__username=username).first()


def build(center, rng, out) -> None:
    if center is None or Order.objects.filter(center=center).exists():
        out.write("  工单：已有演示数据，跳过")
        return
    agents = [s for s in (_staff(f"agent{n}") for n in range(1, 13)) if s] + [s for s in (_staff(f"senior{n}") for n in range(1, 4)) if s]
    dispatchers = [s for s in (_staff("dispatcher1"), _staff("dispatcher2")) if s]
    handlers = {code: _staff(u) for code, u in HANDLER_OF.items()}
    if not agents or not dispatchers:
        out.write("  工单：缺少演示员工，跳过")
        return
    now = timezone.now()
    phones = [f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}" for _ in range(160)]
    key_phones = set(phones[:12])
    made = 0
    with transaction.atomic():
        for i in range(COUNT):
            accepted = now - timedelta(days=rng.uniform(0, 60))
            kind = rng.choices(list(machine.KINDS), weights=[25, 50, 8, 10, 7])[0]
            category = rng.choice(list(SUBJECTS))
            phone = rng.choice(phones)
            agent = rng.choice(agents)
            data = {
                "kind": kind, "phone": phone, "customer_name": rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(["先生", "女士", "伟", "芳", "敏"]),
                "subject": rng.choice(SUBJECTS[category]), "category": category,
                "description": f"客户反映：{rng.choice(SUBJECTS[category])}，已核对账户信息并记录诉求。",
                "level": rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0],
                "complexity": rng.choice(["simple", "complex"]), "accepted_at": accepted.isoformat(),
                "expected_result": rng.choice(["退还费用", "尽快修复", "给予解释", "赔礼道歉", ""]),
            }
            if phone in key_phones:
                data["complainant_type"] = "key_account"
            if kind == "appeal":
                data.update(appeal_source=rng.choice(["客户", "消费者协会", "移动总部", "新闻媒体"]), appeal_is_new=rng.random() < 0.7)
            if kind == "coordination":
                data.update(coordination_origin=rng.choice(["杭州", "宁波", "温州"]), handling_prefecture=rng.choice(["嘉兴", "湖州"]))
            if rng.random() < 0.05:
                data.update(all_agents_busy=True, channel="recording", recording_ref=f"rec/{i:04d}.wav")
            try:
                order = services.create_order(center, agent, data, now=accepted)
            except RuleViolation as exc:  # a demo input the rules refuse is skipped, never forced in
                out.write(f"  工单：跳过一条演示数据（{exc}）")
                continue
            made += 1
            _advance(order, rng, now, agent, dispatchers, handlers)
    services.scan_deadlines(now - timedelta(hours=25))
    services.scan_deadlines(now)
    counts = {label: Order.objects.filter(center=center, state=state).count() for state, label in machine.STATES.items()}
    out.write(f"  工单：{made} 张（" + "，".join(f"{k}{v}" for k, v in counts.items()) + f"），超时 {Order.objects.filter(center=center, is_overdue=True).count()} 张")


def _advance(order: Order, rng, now, agent, dispatchers, handlers) -> None:
    """Walk the order along the machine to a random stage, with plausible times, never past `now`."""
    t = order.accepted_at
    age_hours = (now - t).total_seconds() / 3600
    target = rng.random() * min(1.0, age_hours / 96)  # older orders got further

    def step(hours: float) -> bool:
        nonlocal t
        nxt = t + timedelta(hours=hours)
        if nxt >= now:
            return False
        t = nxt
        return True

    def fire(name, actor, **fields):
        nonlocal order
        order = services.transition(order, name, actor, order.version, now=t, **fields)

    dispatcher = rng.choice(dispatchers)
    satisfied = "satisfied" if rng.random() < 0.8 else "dissatisfied"
    if order.kind in (machine.CONSULTATION, machine.SUGGESTION) and rng.random() < 0.7:
        if target > 0.05 and step(rng.uniform(0.02, 0.3)):
            fire("answer", agent, reply_opinion="已当场解答", satisfaction=satisfied)
            if target > 0.5 and step(rng.uniform(1, 24)):
                fire("archive", dispatcher, analysis="咨询已解答", final_reply="已解答" if satisfied != "satisfied" else "")
        return
    if order.kind == machine.APPEAL:
        if target < 0.1 or not step(rng.uniform(0.5, 4)):
            return
        if not order.appeal_is_new:
            fire("appeal_reply", dispatcher, reply_opinion="维持原处理意见并解释", satisfaction=satisfied)
            return
        fire("appeal_verify", dispatcher, verification_request="请地市部门核实申诉情况")
        if target < 0.3 or not step(rng.uniform(2, 24)):
            return
        if rng.random() < 0.3:
            fire("appeal_reject", dispatcher, verification_result="经核实不属实", reply_opinion="经核实不属实，已向客户解释",
                 report="关于申诉核实不属实的报告")
            return
        fire("appeal_dispatch", dispatcher, verification_result="属实", dispatch_opinion="限期处理并反馈",
             department="province", handling_deadline=(t + timedelta(hours=48)).isoformat())
    elif order.kind == machine.COORDINATION:
        if target < 0.1 or not step(rng.uniform(0.5, 4)):
            return
        fire("coordinate", dispatcher, dispatch_opinion="请限期反馈协调结果", department="province",
             handling_deadline=(t + timedelta(hours=rng.choice([24, 48, 72]))).isoformat())
    else:
        if target < 0.1 or not step(rng.uniform(0.2, 3)):
            return
        if rng.random() < 0.06:
            fire("cancel", dispatcher, review_opinion="经复核为无效投诉")
            return
        fire("review", dispatcher, review_opinion="投诉要素齐全，有效")
        if target < 0.2 or not step(rng.uniform(0.1, 2)):
            return
        fire("dispatch", dispatcher, dispatch_opinion="请按时限处理并反馈结果")
    handler = handlers.get(order.department.code) if order.department_id else None
    if handler is None or target < 0.35:
        return
    if rng.random() < 0.1 and step(rng.uniform(0.5, 6)):
        fire("return", handler, return_reason="不属本部门职责")
        if step(rng.uniform(0.5, 3)):
            fire("dispatch", dispatcher, dispatch_opinion="已核实职责，请处理", department=order.department.code)
        else:
            return
    if not step(rng.uniform(0.5, 60)):
        return
    late = services.is_past_due(order, t)
    fire("resolve", handler, result="已核查并处理", cause=rng.choice(["系统故障", "操作失误", "政策解释", "网络覆盖不足"]),
         overdue_reason="需外部单位配合" if late else "")
    if target < 0.5 or not step(rng.uniform(0.2, 6)):
        return
    fire("reply", agent, reply_opinion="已电话告知处理结果", satisfaction=satisfied)
    if satisfied == "dissatisfied" and rng.random() < 0.5 and step(rng.uniform(1, 12)):
        fire("redispatch", dispatcher, dispatch_opinion="客户不满意，请重新处理")
        return
    if target > 0.65 and step(rng.uniform(2, 48)):
        typical = rng.random() < 0.08
        fire("archive", dispatcher, analysis="处理完毕，已分析原因并提出改进建议", is_typical=typical,
             case_title=f"{order.subject}典型案例" if typical else "", case_tags=order.get_category_display(),
             final_reply="已最终答复客户" if order.satisfaction == "dissatisfied" else "")
    elif rng.random() < 0.1:
        services.request_compensation(order, agent, rng.choice([50, 200, 1200, 6000]), "因服务问题给予补偿")
