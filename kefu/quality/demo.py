"""Demo QA data: last month's sample (from telephony's calls when present, else spot checks), scores,
acknowledgements and appeals, a calibration, and yesterday's day-shift summary handed to the team lead."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from kefu.org.models import Staff
from kefu.quality import links, selectors, services
from kefu.quality.models import Evaluation
from kefu.workcal.selectors import default_shift

CALL_TYPES = ["咨询", "咨询", "咨询", "投诉", "办理", "建议"]
NOTES = [
    "问候规范，业务解答准确",
    "未复述客户问题",
    "让客户等待前未征得同意",
    "解答有遗漏，需加强业务学习",
    "语速偏快",
    "",
]


def _marks(card, rng, weak: float):
    marks = {}
    for item in card.items.all():
        if item.is_critical:
            marks[item.key] = {"awarded": 0, "failed": rng.random() < 0.02}
        else:
            lose = rng.random() < weak
            marks[item.key] = {"awarded": item.points - (rng.choice([0.5, 1, 2, 3]) if lose else 0)}
            marks[item.key]["awarded"] = max(0, marks[item.key]["awarded"])
    return marks


def _set_time(e: Evaluation, when: datetime) -> None:
    Evaluation.objects.filter(pk=e.pk).update(scored_at=when)
    e.scored_at = when


def _shift_calls(center, members, start, end) -> list[tuple]:
    """One call each (up to four agents) that the team's agents answered during yesterday's day shift, when the demo
    month's calls are there: the shift summary then speaks of calls the agents really took."""
    try:
        from kefu.telephony.models import Call
    except ImportError:
        return []
    by_no = {a.staff_no: a for a in members}
    picked: dict[str, dict] = {}
    for call_id, no, call_type, offered, talk in (
        Call.objects.filter(
            center=center, offered_at__gte=start, offered_at__lt=end, outcome="answered", agent_staff_no__in=list(by_no)
        )
        .order_by("offered_at")
        .values_list("call_id", "agent_staff_no", "call_type", "offered_at", "talk_seconds")
    ):
        if no not in picked and len(picked) < 4:
            picked[no] = {"call_id": call_id, "call_type": call_type, "offered_at": offered, "talk_seconds": int(talk)}
    return [(by_no[no], call) for no, call in picked.items()]


def build(center, rng, out) -> None:
    if Evaluation.objects.filter(center=center).exists():
        out.write("  质检：已存在，跳过")
        return
    tz = ZoneInfo(center.time_zone)
    card = services.active_scorecard(center)
    agents = list(services.front_line(center).select_related("team"))
    inspectors = list(services.inspectors_of(center))
    if not agents or not inspectors:
        out.write("  质检：缺少话务员或质检员，跳过")
        return
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    start, end = services.month_bounds(center, last_month)
    calls = links.month_calls(center, start, end) or []
    if calls:
        run, _ = services.create_month_tasks(center, last_month, seed=f"demo-{last_month:%Y%m}")
        tasks = list(run.evaluations.select_related("agent", "inspector"))
    else:
        tasks = []
        n = 0
        for agent in agents:
            for k in range(5):  # 4–5 a month (004:L1531)
                n += 1
                day = start + timedelta(days=rng.randrange(0, (end - start).days), hours=8 + rng.randrange(0, 9))
                call = {
                    "call_id": f"DEMO{last_month:%Y%m}{n:04d}",
                    "call_type": rng.choice(CALL_TYPES),
                    "offered_at": day,
                    "talk_seconds": rng.randrange(60, 420),
                }
                tasks.append(
                    services.assign_spot_check(
                        center, call=call, agent=agent, inspector=inspectors[n % len(inspectors)]
                    )
                )
    leads = {s.team_id: s for s in Staff.objects.filter(center=center, user__groups__name="team_lead")}
    appealed = upheld = revised = 0
    for _i, e in enumerate(tasks):
        if rng.random() > 0.8:
            continue  # still to score
        e = services.transition(
            e, name="score", actor=e.inspector, marks=_marks(card, rng, 0.25), notes=rng.choice(NOTES)
        )
        base = e.offered_at or start
        _set_time(e, min(base + timedelta(hours=rng.randrange(1, 30)), end - timedelta(hours=1)))
        roll = rng.random()
        lead = leads.get(e.agent.team_id)
        if roll < 0.55:
            services.transition(e, name="acknowledge", actor=e.agent)
        elif roll < 0.7 and lead is not None:
            Evaluation.objects.filter(pk=e.pk).update(
                scored_at=timezone.now() - timedelta(hours=2)
            )  # inside the appeal window
            e = services.transition(e, name="appeal", actor=e.agent, reason="客户情绪激动，我已按规范安抚，请复听录音")
            appealed += 1
            if appealed % 3 == 1:
                services.transition(e, name="uphold", actor=lead, decision_note="复听录音，评分无误，维持原分")
                upheld += 1
            elif appealed % 3 == 2:
                marks = {
                    m.item.key: {"awarded": m.item.points if not m.item.is_critical else 0, "failed": False}
                    for m in e.marks.select_related("item")
                }
                services.transition(e, name="revise", actor=lead, decision_note="复听后认可申诉，恢复扣分", marks=marks)
                revised += 1
    # The team's last day shift with calls (yesterday, unless the roster gave the team no day shift then), scored
    # and handed to team-a's lead (每班后交给班长, 004:L943).
    yesterday = today - timedelta(days=1)
    lead_team = next((a.team for a in agents if a.team and a.team.lead_id), None)
    if lead_team is not None:
        members = [a for a in agents if a.team_id == lead_team.pk]
        picked = []
        for back in range(7):
            day = yesterday - timedelta(days=back)
            shift_start, shift_end = selectors.shift_bounds(center, day, default_shift(center).code)
            picked = _shift_calls(center, members, shift_start, shift_end)
            if picked:
                yesterday = day
                break
        else:
            shift_start, shift_end = selectors.shift_bounds(center, yesterday, default_shift(center).code)
        if not picked:  # no call records: four spot checks spread over the shift
            picked = [
                (
                    agent,
                    {
                        "call_id": f"DEMO{yesterday:%m%d}{j:02d}",
                        "call_type": CALL_TYPES[j],
                        "offered_at": datetime(
                            yesterday.year, yesterday.month, yesterday.day, 8 + 2 * j, 35, tzinfo=tz
                        ),
                        "talk_seconds": 180 + 30 * j,
                    },
                )
                for j, agent in enumerate(members[:4])
            ]
        for j, (agent, call) in enumerate(picked):
            e = services.assign_spot_check(center, call=call, agent=agent, inspector=inspectors[0])
            e = services.transition(
                e, name="score", actor=inspectors[0], marks=_marks(card, rng, 0.35), notes=NOTES[j % len(NOTES)]
            )
            _set_time(e, min(call["offered_at"] + timedelta(minutes=40), shift_end - timedelta(minutes=5)))
        services.deliver_shift_report(
            center, team=lead_team, shift_date=yesterday, shift_code=default_shift(center).code, actor=inspectors[0]
        )
    # A calibration: two inspectors and a team lead score the same call.
    graders = inspectors[:2] + list(leads.values())[:1]
    if len(graders) >= 2:
        cal = services.create_calibration(
            center,
            title="本月校准：投诉电话",
            call={"call_id": "DEMO-CAL-01", "call_type": "投诉", "talk_seconds": 312},
            agent=agents[0],
            inspectors=graders,
        )
        for sheet in cal.evaluations.select_related("inspector")[: len(graders) - 1]:  # the last grader still to score
            services.transition(sheet, name="score", actor=sheet.inspector, marks=_marks(card, rng, 0.4))
    # Fresh tasks for this month's inspector queue.
    for k, agent in enumerate(agents[:6]):
        services.assign_spot_check(
            center,
            call={
                "call_id": f"DEMO{today:%Y%m}{k:03d}",
                "call_type": CALL_TYPES[k % 6],
                "offered_at": timezone.now() - timedelta(hours=k + 1),
                "talk_seconds": 150 + 20 * k,
            },
            agent=agent,
            inspector=inspectors[k % len(inspectors)],
        )
    out.write(
        f"  质检：{Evaluation.objects.filter(center=center).count()} 条监听评分，申诉 {appealed} 条（维持 {upheld}、改分 {revised}）"
    )
