"""Demo handovers for the last two weeks: a chain of diaries, most signed on time, some late or unsigned,
items carried over and closed, a few omissions with the liable side (004:L669)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.org.models import Staff
from kefu.roster.selectors import scheduled_intervals
from kefu.shiftlog import rules, services
from kefu.shiftlog.models import Handover, Item

DAYS = 14
ITEMS = [
    ("order", "用户投诉宽带频繁掉线，已派网络部，待回复", "TS{d}{n:03d}"),
    ("order", "话费争议工单，待计费部核实后回复", "TS{d}{n:03d}"),
    ("callback", "退费到账后回电告知用户", ""),
    ("callback", "约定明早回电确认故障是否修复", ""),
    ("prospect", "用户有意办理家庭融合套餐，请回访", ""),
    ("urgent", "大客户专线中断，关注修复进度", ""),
    ("incident", "疑难问题：跨省携号转网规则咨询，需请示值班长", ""),
    ("equipment", "7号机台耳机有杂音，已报修", ""),
    ("other", "新资费公告已更新，接班后请先阅读", ""),
]
EQUIPMENT = ["话务系统正常，机房温度正常", "排队机正常；3号机台显示器闪烁已报修", "系统短暂卡顿约5分钟，已恢复", "正常"]


def build(center, rng, out) -> None:
    if center is None:
        return
    if Handover.objects.filter(center=center).exists():  # built once: a second run adds nothing
        out.write("  交接班：已有演示数据，跳过")
        return
    tz = services.center_tz(center)
    chain = list(
        Staff.objects.filter(
            center=center, user__username__in=[f"agent{n}" for n in range(1, 9)] + ["senior1", "senior2"]
        ).order_by("staff_no")
    )
    lead = Staff.objects.filter(center=center, user__username="supervisor1").first()
    if len(chain) < 3 or lead is None:
        out.write("  交接班：缺少演示员工，跳过")
        return
    now = timezone.now()
    shifts = sorted(services.shifts_of(center), key=lambda s: s.start)
    today = timezone.localtime(now, tz).date()
    slots = []
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        for shift in shifts:
            start, end = rules.shift_window(shift, day, tz)
            if end <= now:
                slots.append((shift, day, end))
    slots.sort(key=lambda s: s[2])
    # a diary follows its writer's rostered shift: on a day with a published roster, a shift's diary is written by
    # someone rostered on it, and nobody writes one for a shift they were not rostered on
    on_shift: dict[tuple, set[str]] = {}
    for staff_no, start, _end, code in scheduled_intervals(
        center, today - timedelta(days=DAYS), today + timedelta(days=1)
    ):
        on_shift.setdefault((start.astimezone(tz).date(), code), set()).add(staff_no)
    rostered_days = {(day, no) for (day, _code), nos in on_shift.items() for no in nos}
    created = 0
    for n, (shift, day, end) in enumerate(slots):
        outgoing, incoming = chain[n % len(chain)], chain[(n + 1) % len(chain)]
        if (day, outgoing.staff_no) in rostered_days and outgoing.staff_no not in on_shift.get((day, shift.code), ()):
            mine = [p for p in chain if p.staff_no in on_shift.get((day, shift.code), ())]
            if not mine:
                continue
            outgoing = mine[n % len(mine)]
            incoming = next((p for p in chain if p.pk != outgoing.pk), incoming)
        if Handover.objects.filter(outgoing=outgoing, shift_date=day, shift_code=shift.code).exists():
            continue
        created += 1
        h = services.start_handover(
            outgoing,
            shift_code=shift.code,
            shift_date=day,
            incoming_no=incoming.staff_no,
            equipment_state=rng.choice(EQUIPMENT),
            notes=rng.choice(["", "", "上级通知：本周六系统割接，注意解释口径"]),
        )
        for _k in range(rng.randint(1, 3)):
            kind, text, ref = rng.choice(ITEMS)
            extra = {}
            if kind in ("callback", "prospect"):
                extra = {
                    "customer_phone": f"13{rng.randint(5, 9)}{rng.randint(10000000, 99999999)}",
                    "customer_name": rng.choice("王李张刘陈杨") + rng.choice(["先生", "女士"]),
                }
            if kind == "callback":
                extra["due_at"] = end + timedelta(hours=rng.randint(2, 16))
            if ref:
                extra["order_ref"] = ref.format(d=day.strftime("%Y%m%d"), n=rng.randint(1, 999))
            services.add_item(outgoing, h.pk, kind=kind, text=text, **extra)
        # close some of what the outgoing side holds before signing
        for item in Item.objects.filter(holder=outgoing, closed_at__isnull=True).exclude(origin=h):
            if rng.random() < 0.6:
                services.close_item(
                    outgoing,
                    item.pk,
                    note=rng.choice(["已回电，用户满意", "部门已回复并答复用户", "已修复", "已处理完毕"]),
                    now=end - timedelta(minutes=rng.randint(30, 300)),
                )
        recent = n >= len(slots) - 2
        if recent and n == len(slots) - 1:
            continue  # the last diary is still a draft: the supervisor sees it unsigned once the deadline passes
        h.refresh_from_db()
        late_out = rng.random() < 0.12
        signed_at = (
            end + timedelta(minutes=rng.randint(5, 40)) if late_out else end - timedelta(minutes=rng.randint(0, 20))
        )
        services.transition(outgoing, h.pk, name="sign_out", version=h.version, now=signed_at)
        if recent:
            continue  # signed out, not yet countersigned
        h.refresh_from_db()
        late_in = rng.random() < 0.1
        counter_at = max(signed_at, end) + timedelta(minutes=rng.randint(35, 90) if late_in else rng.randint(1, 25))
        services.transition(incoming, h.pk, name="countersign", version=h.version, now=counter_at)
        if rng.random() < 0.15:
            kind = rng.choice(["omission", "omission", "mis_receipt"])
            issue = services.report_issue(
                incoming if kind == "omission" else lead,
                h.pk,
                kind=kind,
                description=rng.choice(["未交代一张超时工单", "回电时间交代有误", "接班后漏看待回电事项"]),
            )
            if rng.random() < 0.6:
                services.decide_issue(lead, issue.pk, upheld=rng.random() < 0.7, note="经核对交班日记认定")
    total = Handover.objects.filter(center=center).count()
    out.write(
        f"  交接班：新建 {created} 份交班日记（共 {total} 份），未结事项 {Item.objects.filter(center=center, closed_at__isnull=True).count()} 项"
    )
