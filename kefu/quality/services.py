"""Quality inspection use cases. Every write is here, inside transaction.atomic; bad input raises
RuleViolation (Chinese message, field, rule) and changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from kefu.errors import NotAllowed, Problem, RuleViolation
from kefu.org.models import Center, Staff, Team
from kefu.org.policy import policy_for
from kefu.org.roles import Role, roles_of
from kefu.quality import links, machine, sampling, scoring
from kefu.quality.models import (
    Calibration,
    Evaluation,
    EvaluationMark,
    SamplingRun,
    Scorecard,
    ScorecardItem,
    ShiftReport,
)
from kefu.quality.policy import SECTION

FRONT_LINE_ROLES = (Role.AGENT.value, Role.SENIOR_AGENT.value)


def policy(center: Center) -> dict:
    return policy_for(SECTION, center)


def _violation(errors: list[tuple[str, str]], rule: str) -> RuleViolation:
    return RuleViolation.many([Problem(field, rule, message) for field, message in errors])


# ---- scorecards -------------------------------------------------------------------------------


@transaction.atomic
def publish_scorecard(
    center: Center, *, code: str, name: str, items: list[dict], actor: Staff | None = None
) -> Scorecard:
    """Publish a new version of a form (百分制: the points add up to 100, 004:L1531)."""
    code = (code or "").strip()
    if not code:
        raise RuleViolation("评分表代码不能为空", field="code", rule="required")
    if not (name or "").strip():
        raise RuleViolation("评分表名称不能为空", field="name", rule="required")
    errors = scoring.validate_form(items)
    if errors:
        raise _violation(errors, "scorecard_total" if errors[-1][0] == "items" else "scorecard_item")
    previous = Scorecard.objects.select_for_update().filter(center=center, code=code).order_by("-version").first()
    version = previous.version + 1 if previous else 1
    Scorecard.objects.filter(center=center, code=code, is_active=True).update(is_active=False)
    card = Scorecard.objects.create(center=center, code=code, name=name.strip(), version=version, created_by=actor)
    ScorecardItem.objects.bulk_create(
        [
            ScorecardItem(
                scorecard=card,
                key=str(it["key"]).strip(),
                section=str(it.get("section") or "")[:40],
                label=str(it["label"]).strip()[:200],
                points=int(it["points"]),
                is_critical=bool(it.get("critical")),
                seed=str(it.get("seed") or "")[:100],
                position=i,
            )
            for i, it in enumerate(items)
        ]
    )
    return card


def active_scorecard(center: Center) -> Scorecard:
    """The current version of the center's form; version 1 is published from the policy preset."""
    form = policy(center)["scorecard"]
    card = Scorecard.objects.filter(center=center, code=form["code"], is_active=True).first()
    if card is None:
        card = Scorecard.objects.filter(center=center, is_active=True).order_by("code").first()
    if card is None:
        card = publish_scorecard(center, code=form["code"], name=form["name"], items=form["items"])
    return card


def form_items(card: Scorecard) -> list[scoring.FormItem]:
    return [scoring.FormItem(i.key, i.label, i.points, i.is_critical, i.section) for i in card.items.all()]


# ---- sampling ---------------------------------------------------------------------------------


def month_bounds(center: Center, month: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(center.time_zone)
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return datetime(first.year, first.month, 1, tzinfo=tz), datetime(nxt.year, nxt.month, 1, tzinfo=tz)


def front_line(center: Center):
    return (
        Staff.objects.filter(center=center, is_active=True, user__groups__name__in=FRONT_LINE_ROLES)
        .distinct()
        .order_by("staff_no")
    )


def inspectors_of(center: Center):
    return (
        Staff.objects.filter(center=center, is_active=True, user__groups__name=Role.QA.value)
        .distinct()
        .order_by("staff_no")
    )


@transaction.atomic
def create_month_tasks(
    center: Center, month: date, *, seed: str, actor: Staff | None = None, calls: list[dict] | None = None
) -> tuple[SamplingRun, bool]:
    """The month's evaluation tasks: `samples_per_agent_month` calls per agent (4–5, 004:L1531), random and
    stratified by call type, short calls excluded, deterministic with `seed`, shared round-robin among the
    QA inspectors. Calling it again for the same month returns the existing run (created=False)."""
    month = month.replace(day=1)
    existing = SamplingRun.objects.filter(center=center, month=month).first()
    if existing is not None:
        return existing, False
    seed = str(seed or "").strip()
    if not seed:
        raise RuleViolation("随机种子不能为空（抽样需可复现）", field="seed", rule="required")
    rules = policy(center)
    start, end = month_bounds(center, month)
    if calls is None:
        calls = links.month_calls(center, start, end)
        if calls is None:
            raise RuleViolation("话务模块尚未提供通话记录，无法抽样", field="month", rule="no_call_data")
    inspectors = list(inspectors_of(center))
    if not inspectors:
        raise RuleViolation("中心没有质检员，无法分配监听任务", field="inspectors", rule="no_inspector")
    agents = {s.staff_no: s for s in front_line(center).select_related("team")}
    by_ref = {}
    rows = []
    for c in calls:
        if c["agent_staff_no"] in agents and (c.get("offered_at") is None or start <= c["offered_at"] < end):
            by_ref[c["ref"]] = c
            rows.append(
                sampling.CallRow(c["ref"], c["agent_staff_no"], c.get("call_type") or "", int(c["talk_seconds"]))
            )
    samples = sampling.draw(
        rows,
        per_agent=rules["samples_per_agent_month"],
        min_talk_seconds=rules["min_talk_seconds"],
        seed=seed,
        agents=agents.keys(),
    )
    card = active_scorecard(center)
    run = SamplingRun.objects.create(
        center=center,
        month=month,
        seed=seed,
        per_agent=rules["samples_per_agent_month"],
        min_talk_seconds=rules["min_talk_seconds"],
        created_by=actor,
        shortfalls={s.agent_staff_no: s.shortfall for s in samples if s.shortfall},
    )
    evaluations = []
    for i, sample in enumerate(samples):
        agent = agents[sample.agent_staff_no]
        inspector = inspectors[i % len(inspectors)]
        for ref in sample.refs:
            c = by_ref[ref]
            evaluations.append(
                Evaluation(
                    center=center,
                    scorecard=card,
                    source=Evaluation.Source.SAMPLE,
                    sampling_run=run,
                    call_ref=ref,
                    call_id=str(c.get("call_id") or ref),
                    call_type=c.get("call_type") or "",
                    offered_at=c.get("offered_at"),
                    talk_seconds=int(c["talk_seconds"]),
                    agent=agent,
                    team=agent.team,
                    inspector=inspector,
                )
            )
    Evaluation.objects.bulk_create(evaluations)
    return run, True


def _check_call(call: dict) -> None:
    if not str(call.get("call_id") or "").strip():
        raise RuleViolation("通话流水号不能为空", field="call_id", rule="required")


@transaction.atomic
def assign_spot_check(
    center: Center, *, call: dict, agent: Staff, inspector: Staff, actor: Staff | None = None
) -> Evaluation:
    """An ad-hoc monitored call (抽查, 004:L647) given to an inspector."""
    _check_call(call)
    if Role.QA not in roles_of(inspector.user) and Role.EDITOR not in roles_of(inspector.user):
        raise RuleViolation(
            f"{inspector.staff_no} 不是质检员或采编员，不能评分", field="inspector", rule="inspector_role"
        )
    return Evaluation.objects.create(
        center=center,
        scorecard=active_scorecard(center),
        source=Evaluation.Source.SPOT,
        call_ref=call.get("ref"),
        call_id=str(call["call_id"]).strip(),
        call_type=call.get("call_type") or "",
        offered_at=call.get("offered_at"),
        talk_seconds=call.get("talk_seconds"),
        order_ref=call.get("order_ref"),
        agent=agent,
        team=agent.team,
        inspector=inspector,
    )


# ---- the evaluation's state machine ------------------------------------------------------------


def parse_marks(evaluation: Evaluation, marks) -> tuple[dict[str, scoring.Mark], dict[str, str]]:
    if not isinstance(marks, dict) or not marks:
        raise RuleViolation("请为每个评分项打分", field="marks", rule="required")
    parsed, comments = {}, {}
    problems = []
    for key, value in marks.items():
        value = value if isinstance(value, dict) else {"awarded": value}
        raw = value.get("awarded")
        if raw is None or raw == "":
            problems.append(Problem(f"marks.{key}", "required", f"评分项 {key} 未打分"))
            continue
        try:
            awarded = float(raw)
        except (TypeError, ValueError):
            problems.append(Problem(f"marks.{key}", "number", f"评分项 {key} 的得分应为数字"))
            continue
        if round(awarded, 2) != awarded:
            problems.append(Problem(f"marks.{key}", "number", f"评分项 {key} 的得分最多保留两位小数"))
        parsed[key] = scoring.Mark(awarded, bool(value.get("failed")))
        comments[key] = str(value.get("comment") or "")[:300]
    if problems:
        raise RuleViolation.many(problems)
    errors = scoring.mark_errors(form_items(evaluation.scorecard), parsed)
    if errors:
        raise _violation(errors, "mark")
    return parsed, comments


def write_marks(
    evaluation: Evaluation, *, parsed: dict[str, scoring.Mark], comments: dict[str, str]
) -> scoring.ScoreResult:
    items = {i.key: i for i in evaluation.scorecard.items.all()}
    result = scoring.score(form_items(evaluation.scorecard), parsed)
    EvaluationMark.objects.filter(evaluation=evaluation).delete()
    EvaluationMark.objects.bulk_create(
        [
            EvaluationMark(
                evaluation=evaluation,
                item=items[key],
                awarded=Decimal(str(m.awarded)),
                failed=m.failed,
                comment=comments.get(key, ""),
            )
            for key, m in parsed.items()
        ]
    )
    evaluation.total = Decimal(str(result.total))
    evaluation.raw_total = Decimal(str(result.raw_total))
    evaluation.critical_failed = result.failed
    return result


def transition(evaluation: Evaluation, *, name: str, actor: Staff, version: int | None = None, **fields) -> Evaluation:
    """Fire one transition of the evaluation's machine (machine.MACHINE) as `actor`: version, party, state, fields,
    guard, effect, history and audit in one transaction (kefu.workflow.fire). Empty optional values are left out."""
    from kefu.scope import scope_of
    from kefu.workflow import fire

    return fire(
        machine.MACHINE,
        scope_of(actor),
        evaluation,
        name,
        version=version,
        **{k: v for k, v in fields.items() if v is not None},
    )


# ---- calibration --------------------------------------------------------------------------------


@transaction.atomic
def create_calibration(
    center: Center, *, title: str, call: dict, agent: Staff, inspectors: list[Staff], actor: Staff | None = None
) -> Calibration:
    """Several inspectors score the same call with the same form version (校准)."""
    if not (title or "").strip():
        raise RuleViolation("校准标题不能为空", field="title", rule="required")
    _check_call(call)
    unique = {s.pk: s for s in inspectors}
    if len(unique) < 2:
        raise RuleViolation("校准至少需要两名评分人", field="inspectors", rule="calibration_min_inspectors")
    for s in unique.values():
        if not roles_of(s.user) & {Role.QA, Role.EDITOR, Role.TEAM_LEAD}:
            raise RuleViolation(
                f"{s.staff_no} 不是质检员、采编员或班长，不能参加校准", field="inspectors", rule="inspector_role"
            )
    card = active_scorecard(center)
    calibration = Calibration.objects.create(
        center=center,
        title=title.strip()[:100],
        scorecard=card,
        call_ref=call.get("ref"),
        call_id=str(call["call_id"]).strip(),
        agent=agent,
        created_by=actor,
    )
    Evaluation.objects.bulk_create(
        [
            Evaluation(
                center=center,
                scorecard=card,
                source=Evaluation.Source.CALIBRATION,
                calibration=calibration,
                call_ref=call.get("ref"),
                call_id=calibration.call_id,
                call_type=call.get("call_type") or "",
                offered_at=call.get("offered_at"),
                talk_seconds=call.get("talk_seconds"),
                agent=agent,
                team=agent.team,
                inspector=s,
            )
            for s in sorted(unique.values(), key=lambda s: s.staff_no)
        ]
    )
    return calibration


# ---- per-shift summary to the team lead ----------------------------------------------------------


@transaction.atomic
def deliver_shift_report(
    center: Center, *, team: Team, shift_date: date, shift_code: str, actor: Staff | None
) -> ShiftReport:
    """Hand the shift's QA results to the team lead (每班后交给班长, 004:L943, L951). actor None = the timer."""
    from kefu.quality import selectors

    _, end = selectors.shift_bounds(center, shift_date, shift_code)
    if end > timezone.now():
        raise RuleViolation("班次尚未结束，结束后才能交班长", field="shift_code", rule="shift_not_over")
    summary = selectors.shift_summary(center, team, shift_date, shift_code)
    report, _ = ShiftReport.objects.update_or_create(
        team=team,
        shift_date=shift_date,
        shift_code=shift_code,
        defaults={"center": center, "inspector": actor, "lead": team.lead, "summary": summary, "read_at": None},
    )
    return report


@transaction.atomic
def mark_report_read(report: ShiftReport, actor: Staff) -> ShiftReport:
    if report.lead_id and report.lead_id != actor.pk:
        raise NotAllowed("只有该班组的班长可以签收班次质检汇总")
    if report.read_at is None:
        report.read_at = timezone.now()
        report.save(update_fields=["read_at"])
    return report


def deliver_due_shift_reports(now: datetime | None = None, lookback_hours: int = 24) -> int:
    """Timer: after every shift, hand each team's QA results to its lead if nobody has yet (004:L943).

    Only teams with scored monitoring in that shift get a report; an existing report is left alone.
    """
    from kefu.quality import selectors, shifts

    now = now or timezone.now()
    delivered = 0
    for center in Center.objects.all():
        tz = ZoneInfo(center.time_zone)
        local_now = now.astimezone(tz).replace(tzinfo=None)
        due = shifts.ended_between(
            selectors.shift_names(center), local_now - timedelta(hours=lookback_hours), local_now
        )
        for day, code in due:
            start, end = selectors.shift_bounds(center, day, code)
            team_ids = set(
                Evaluation.objects.filter(center=center, scored_at__gte=start, scored_at__lt=end, team__isnull=False)
                .exclude(source=Evaluation.Source.CALIBRATION)
                .values_list("team_id", flat=True)
            )
            for team in Team.objects.filter(pk__in=team_ids):
                if not ShiftReport.objects.filter(team=team, shift_date=day, shift_code=code).exists():
                    deliver_shift_report(center, team=team, shift_date=day, shift_code=code, actor=None)
                    delivered += 1
    return delivered
