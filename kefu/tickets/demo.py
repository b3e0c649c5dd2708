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
PHONES = 600  # callers of the two months
KEY_ACCOUNT_SHARE = 0.04  # orders from the dozen key accounts
# Satisfaction found when the result is told (the return visit of a replied complaint may find another one later,
# kefu.followup.demo): consultations answered by the agent, complaints resolved by a department, key accounts
# (handled by the senior agents, 004:L2019).
SATISFIED = {"consultation": 0.97, "complaint": 0.93, "key_account": 0.97}
ON_THE_SPOT = 0.92  # consultations and suggestions answered during the call; the rest go to a department
CANCELLED = 0.03  # complaints found invalid at review (无效投诉)
RECENT_SHARE = 0.12  # orders taken in the last 24 hours
SUBJECTS = {
    "tariff": ["话费多扣", "套餐资费不符", "流量超额收费", "国际漫游费争议"],
    "service": ["营业员态度差", "热线长时间无人接听", "承诺回电未兑现"],
    "network": ["室内信号差", "宽带频繁掉线", "基站故障无法通话"],
    "business": ["彩铃无法退订", "积分兑换失败", "宽带迁移办理慢"],
    "other": ["短信骚扰", "发票开具问题"],
}
KIND_WEIGHTS = {"consultation": 25, "complaint": 50, "suggestion": 8, "appeal": 10, "coordination": 7}
HANDLER_OF = {"billing": "handler1", "network": "handler2", "marketing": "handler3", "province": "handler4"}


def _staff(username: str) -> Staff | None:
    return Staff.objects.select_related("user", "department", "team").filter(user__username=username).first()


def build(center, rng, out) -> None:
    if center is None or Order.objects.filter(center=center).exists():
        out.write("  工单：已有演示数据，跳过")
        return
    agents = [s for s in (_staff(f"agent{n}") for n in range(1, 13)) if s] + [
        s for s in (_staff(f"senior{n}") for n in range(1, 4)) if s
    ]
    dispatchers = [s for s in (_staff("dispatcher1"), _staff("dispatcher2")) if s]
    handlers = {code: _staff(u) for code, u in HANDLER_OF.items()}
    if not agents or not dispatchers:
        out.write("  工单：缺少演示员工，跳过")
        return
    now = timezone.now()
    # Most callers call once in two months; a few call again about the same thing (repeat complaints, 004:L1327),
    # and a dozen key accounts (大客户) are among them.
    phones = [f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}" for _ in range(PHONES)]
    key_phones = set(phones[:12])
    # The center's own order types and categories (policy): a 12345 or shop center gets its bureaus' or after-sales
    # categories, subject lines named after them.
    pol = services.policy(center)
    kinds = [k for k in machine.KINDS if k in pol["kinds"]]
    weights = [KIND_WEIGHTS[k] for k in kinds]
    subjects = {code: SUBJECTS.get(code) or [cat["name"]] for code, cat in services.active_categories(pol).items()}
    made = 0
    with transaction.atomic():
        for i in range(COUNT):
            # a working day's share is today's: the queue has orders just taken, waiting for review and dispatch
            accepted = now - (
                timedelta(hours=rng.uniform(0, 24))
                if rng.random() < RECENT_SHARE
                else timedelta(days=rng.uniform(0, 60))
            )
            kind = rng.choices(kinds, weights=weights)[0]
            category = rng.choice(list(subjects))
            phone = rng.choice(phones[:12]) if rng.random() < KEY_ACCOUNT_SHARE else rng.choice(phones[12:])
            agent = rng.choice(agents)
            data = {
                "kind": kind,
                "phone": phone,
                "customer_name": rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(["先生", "女士", "伟", "芳", "敏"]),
                "subject": rng.choice(subjects[category]),
                "category": category,
                "description": f"客户反映：{rng.choice(subjects[category])}，已核对账户信息并记录诉求。",
                "level": rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0],
                "complexity": rng.choice(["simple", "complex"]),
                "accepted_at": accepted.isoformat(),
                "expected_result": rng.choice(["退还费用", "尽快修复", "给予解释", "赔礼道歉", ""]),
            }
            if phone in key_phones:
                data["complainant_type"] = "key_account"
            if kind == "appeal":
                data.update(
                    appeal_source=rng.choice(["客户", "消费者协会", "移动总部", "新闻媒体"]),
                    appeal_is_new=rng.random() < 0.7,
                )
            if kind == "coordination":
                data.update(
                    coordination_origin=rng.choice(["杭州", "宁波", "温州"]),
                    handling_prefecture=rng.choice(["嘉兴", "湖州"]),
                )
            if rng.random() < 0.05:
                data.update(all_agents_busy=True, channel="recording", recording_ref=f"rec/{i:04d}.wav")
            try:
                order = services.create_order(center, agent, data, now=accepted)
            except RuleViolation as exc:  # a demo input the rules refuse is skipped, never forced in
                out.write(f"  工单：跳过一条演示数据（{exc}）")
                continue
            made += 1
            _advance(order, rng, now, agent, dispatchers, handlers)
        made += _duplicates(center, rng, now, dispatchers)
        made += _appeal_in_verification(center, rng, now, agents, dispatchers)
    services.scan_deadlines(now - timedelta(hours=25))
    services.scan_deadlines(now)
    counts = {
        label: Order.objects.filter(center=center, state=state).count() for state, label in machine.STATES.items()
    }
    out.write(
        f"  工单：{made} 张（"
        + "，".join(f"{k}{v}" for k, v in counts.items())
        + f"），超时 {Order.objects.filter(center=center, is_overdue=True).count()} 张"
    )


def _duplicates(center, rng, now, dispatchers) -> int:
    """A few customers call again about an order still open: the second order is merged into the first; and one
    order that held two matters is split (issue 17). Returns the orders made."""
    made = 0
    open_orders = list(
        Order.objects.filter(center=center, state__in=(machine.ACCEPTED, machine.REVIEWED, machine.PROCESSING))
        .select_related("customer")
        .order_by("accepted_at", "id")[:40]
    )
    # A repeat call is the same matter: only complaints and consultations are called about again here, so the
    # duplicate has the first order's kind and a later deadline, and the survivor keeps its own (a coordination
    # order merged with a complaint's short deadline would be overdue by days).
    repeated = [o for o in open_orders if o.kind in (machine.COMPLAINT, machine.CONSULTATION)]
    for first in repeated[:3]:
        accepted = min(now, first.accepted_at + timedelta(hours=rng.uniform(1, 20)))
        try:
            dup = services.create_order(
                center,
                first.acceptor,
                {
                    "kind": first.kind,
                    "phone": first.customer.phone,
                    "customer_name": first.customer.name,
                    "subject": first.subject,
                    "description": f"客户再次来电：{first.subject}，询问进度。",
                    "category": first.category,
                    "accepted_at": accepted.isoformat(),
                },
                now=accepted,
            )
            services.merge(dup, first.number, rng.choice(dispatchers), dup.version, now=accepted)
        except RuleViolation:
            continue
        made += 1
    # The split: the latest open order, so the new order's deadlines (from the original acceptance) lie ahead.
    for order in [o for o in reversed(open_orders) if o not in repeated[:3]][:1]:
        try:
            services.split(
                Order.objects.get(pk=order.pk),
                rng.choice(dispatchers),
                Order.objects.get(pk=order.pk).version,
                now=now,
                subject="另一事项：宽带报装进度",
                description="客户同时询问宽带报装进度，另立一单跟进。",
            )
        except RuleViolation:
            continue
        made += 1
    return made


def _appeal_in_verification(center, rng, now, agents, dispatchers) -> int:
    """This morning's new appeal, sent to the city department for verification an hour ago and not yet answered
    (004:L2155): the demo always shows one order in that step, whatever the random month gave. Returns the orders made."""
    accepted = now - timedelta(hours=3)
    try:
        order = services.create_order(
            center,
            rng.choice(agents),
            {
                "kind": machine.APPEAL,
                "phone": "13905710000",
                "customer_name": "钱女士",
                "subject": "投诉处理结果不满意",
                "description": "客户就上月的话费投诉处理结果向消费者协会申诉，要求重新核实。",
                "category": "tariff",
                "level": 2,
                "accepted_at": accepted.isoformat(),
                "appeal_source": "消费者协会",
                "appeal_is_new": True,
            },
            now=accepted,
        )
        order = services.transition(
            order,
            "appeal_verify",
            rng.choice(dispatchers),
            order.version,
            now=now - timedelta(hours=1),
            verification_request="请地市部门核实申诉情况",
        )
    except RuleViolation:  # a preset without appeals or this category: nothing to show
        return 0
    return 1


LATE_SHARE = 0.03  # orders that miss their deadline somewhere in the last 60 days (resolved late, with a reason)
RECENT_LATE_SHARE = (
    0.5  # of the orders due in the last RECENT_LATE_DAYS: still open at the department past the deadline
)
RECENT_LATE_DAYS = 2.5
DEPARTMENT_HOURS = (3, 40)  # how long a department takes on an order when its deadline leaves it the time


def _advance(order: Order, rng, now, agent, dispatchers, handlers) -> None:
    """Walk the order along the machine with plausible times, never past `now`.

    A center works to its deadlines: each step takes a share of the time left before the order's deadline (the
    department's own deadline while it handles the order), so most orders are replied to in time. A few are late at
    the department: it resolves them hours to a day or two after the deadline, with the reason. Those due in the last
    days are late more often and still open, so that the work shows a handful of orders past their deadline by hours
    or a day or two, as on any day.
    """
    t = order.accepted_at
    due = order.due_at
    recent = due is not None and now - timedelta(days=RECENT_LATE_DAYS) < due <= now + timedelta(hours=12)
    late = due is not None and rng.random() < (RECENT_LATE_SHARE if recent else LATE_SHARE)

    def step(hours: float) -> bool:
        nonlocal t
        nxt = t + timedelta(hours=hours)
        if nxt >= now:
            return False
        t = nxt
        return True

    def share(lo: float, hi: float, deadline=None) -> float:
        """Hours for a step: a share of what is left before the deadline (a few minutes at least)."""
        deadline = deadline or due
        left = (deadline - t).total_seconds() / 3600 if deadline else 24.0
        return max(left, 0.1) * rng.uniform(lo, hi) if left > 0 else rng.uniform(0.05, 0.3)

    def desk(lo: float, hi: float) -> float:
        """Hours at the dispatch desk: a queue of minutes to hours, shorter when the deadline is near."""
        return min(rng.uniform(lo, hi), share(0.05, 0.2))

    def fire(name, actor, **fields):
        nonlocal order
        order = services.transition(order, name, actor, order.version, now=t, **fields)

    def department_deadline(hours: float) -> str:
        """The department's feedback deadline: the asked-for hours, but never after the order's own deadline."""
        wanted = t + timedelta(hours=hours)
        if due is not None and due - t > timedelta(minutes=30):
            wanted = min(wanted, due - (due - t) * 0.15)
        return wanted.isoformat()

    dispatcher = rng.choice(dispatchers)
    asked = order.kind in (machine.CONSULTATION, machine.SUGGESTION)
    p_satisfied = SATISFIED["key_account" if order.is_key_account else "consultation" if asked else "complaint"]
    satisfied = "satisfied" if rng.random() < p_satisfied else "dissatisfied"
    if asked and rng.random() < ON_THE_SPOT:
        if step(rng.uniform(0.02, 0.3)):
            fire("answer", agent, reply_opinion="已当场解答", satisfaction=satisfied)
            if rng.random() < 0.85 and step(rng.uniform(1, 24)):
                fire(
                    "archive",
                    dispatcher,
                    analysis="咨询已解答",
                    final_reply="已解答" if satisfied != "satisfied" else "",
                )
        return
    if order.kind == machine.APPEAL:
        if not step(desk(0.2, 4)):
            return
        if not order.appeal_is_new:
            fire("appeal_reply", dispatcher, reply_opinion="维持原处理意见并解释", satisfaction=satisfied)
            return
        fire("appeal_verify", dispatcher, verification_request="请地市部门核实申诉情况")
        if not step(min(rng.uniform(6, 36), share(0.05, 0.2))):
            return
        if rng.random() < 0.3:
            fire(
                "appeal_reject",
                dispatcher,
                verification_result="经核实不属实",
                reply_opinion="经核实不属实，已向客户解释",
                report="关于申诉核实不属实的报告",
            )
            return
        fire(
            "appeal_dispatch",
            dispatcher,
            verification_result="属实",
            dispatch_opinion="限期处理并反馈",
            department="province",
            handling_deadline=department_deadline(48),
        )
    elif order.kind == machine.COORDINATION:
        if not step(desk(0.2, 4)):
            return
        fire(
            "coordinate",
            dispatcher,
            dispatch_opinion="请限期反馈协调结果",
            department="province",
            handling_deadline=department_deadline(rng.choice([24, 48, 72])),
        )
    else:
        if not step(desk(0.2, 4)):
            return
        if order.kind == machine.COMPLAINT and rng.random() < CANCELLED:
            fire("cancel", dispatcher, review_opinion="经复核为无效投诉")
            return
        fire("review", dispatcher, review_opinion="投诉要素齐全，有效")
        if not step(desk(0.5, 8)):
            return
        # routed by the category; a bureau the demo center lacks: the dispatcher picks one of its departments
        fire(
            "dispatch",
            dispatcher,
            dispatch_opinion="请按时限处理并反馈结果",
            **({} if order.route_department_id else {"department": rng.choice(sorted(HANDLER_OF))}),
        )
    handler = handlers.get(order.department.code) if order.department_id else None
    if handler is None:
        return
    if rng.random() < 0.08 and step(share(0.03, 0.1, order.handling_deadline)):
        fire("return", handler, return_reason="不属本部门职责")
        if step(share(0.02, 0.06)):
            fire("dispatch", dispatcher, dispatch_opinion="已核实职责，请处理", department=order.department.code)
        else:
            return
    if late and recent:  # still at the department past its deadline: today's overdue work
        return
    for round_ in range(2):  # a dissatisfied customer's order may be dispatched once more
        deadline = min(d for d in (order.handling_deadline, due) if d is not None) if due else order.handling_deadline
        if late and round_ == 0 and deadline is not None:
            hours = max((deadline - t).total_seconds() / 3600, 0) + rng.uniform(2, 60)  # hours to a day or two late
        else:  # a department works on an order within hours to a day or two, sooner when its deadline is near
            hours = min(share(0.25, 0.6, deadline), rng.uniform(*DEPARTMENT_HOURS))
        if not step(hours):
            return
        overdue = services.is_past_due(order, t)
        fire(
            "resolve",
            handler,
            result="已核查并处理",
            cause=rng.choice(["系统故障", "操作失误", "政策解释", "网络覆盖不足"]),
            overdue_reason="需外部单位配合" if overdue else "",
        )
        if not step(min(rng.uniform(1, 12), share(0.1, 0.4)) if not overdue else rng.uniform(0.2, 3)):
            return
        fire("reply", agent, reply_opinion="已电话告知处理结果", satisfaction=satisfied)
        # Dispatched again only while the order's deadline leaves the department time to work on it.
        if (
            satisfied != "dissatisfied"
            or round_
            or (rng.random() < 0.5 and not order.is_key_account)
            or due is None
            or due - t < timedelta(hours=2)
            or not step(share(0.05, 0.15))
        ):
            break
        fire("redispatch", dispatcher, dispatch_opinion="客户不满意，请重新处理", department=order.department.code)
        satisfied = "satisfied"
    if order.state != machine.REPLIED:
        return
    if rng.random() < 0.88 and step(rng.uniform(2, 48)):
        typical = rng.random() < 0.08
        fire(
            "archive",
            dispatcher,
            analysis="处理完毕，已分析原因并提出改进建议",
            is_typical=typical,
            case_title=f"{order.subject}典型案例" if typical else "",
            case_tags=order.category_names.get("name", ""),
            final_reply="已最终答复客户" if order.satisfaction == "dissatisfied" else "",
        )
    elif rng.random() < 0.3:
        services.request_compensation(order, agent, rng.choice([50, 200, 1200, 6000]), "因服务问题给予补偿")
