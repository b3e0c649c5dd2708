"""The discipline use cases: record violations (from evidence or by a lead), renumber and undo, the fines fund, rewards,
the monthly appraisal and its payroll sheet. Every write is here, inside a transaction, and takes the caller's scope.

Evidence is read from the apps below (attendance, quality, tickets) through their models and selectors, read-only.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from kefu.errors import NotAllowed, RuleViolation
from kefu.messages import Msg
from kefu.org.models import Staff
from kefu.org.policy import deep_merge, policy_for
from kefu.org.roles import Role
from kefu.workflow import fire

from . import appraisal as A
from . import ladder as L
from . import machine
from .models import (
    Appraisal,
    AppraisalMonth,
    DismissalProposal,
    FundEntry,
    FundPublication,
    Reward,
    StaffRecord,
    TeamRules,
    TeamRulesChange,
    TeamStandard,
    TeamStandardChange,
    Violation,
    ViolationEvent,
)
from .policy import SECTION

APPRAISED_ROLES = (Role.AGENT.value, Role.SENIOR_AGENT.value, Role.TEAM_LEAD.value)


def policy(center, team_id: int | None = None) -> dict:
    """The center's discipline policy; for a member of a group with its own scheme (004:L913), with the group's
    overrides merged in."""
    pol = policy_for(SECTION, center)
    if team_id:
        over = (
            TeamRules.objects.filter(team_id=team_id, team__center=center).values_list("overrides", flat=True).first()
        )
        if over:
            pol = deep_merge(pol, over)
    return pol


def ladders(center, team_id: int | None = None) -> dict[str, L.Ladder]:
    return L.ladders_from_types(policy(center, team_id)["types"])


def first_of(day: date) -> date:
    return date(day.year, day.month, 1)


def parse_month(value) -> date:
    if isinstance(value, date):
        return first_of(value)
    try:
        year, mon = str(value).split("-")[:2]
        return date(int(year), int(mon), 1)
    except (ValueError, TypeError):
        raise RuleViolation.of("discipline.bad_month", field="month", value=str(value)[:20]) from None


def parse_day(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleViolation.of(
            "discipline.bad_date", field=field, field_label=Msg(f"discipline.field.{field}"), value=str(value)[:20]
        ) from None


def parse_amount(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount < 0
        or amount != amount.quantize(Decimal("0.01"))
        or amount > Decimal("1000000")
    ):
        raise RuleViolation.of(
            "discipline.bad_amount", field=field, field_label=Msg(f"discipline.field.{field}"), value=str(value)[:20]
        )
    return amount


def month_final_problem(center, day: date) -> Msg | None:
    if AppraisalMonth.objects.filter(center=center, month=first_of(day), final=True).exists():
        return Msg("discipline.month_final", month=first_of(day).strftime("%Y-%m"))
    return None


def _refuse_if_final(center, day: date) -> None:
    problem = month_final_problem(center, day)
    if problem is not None:
        raise RuleViolation.of(problem.code, field="month", status=409, **problem.params)


def sanction_text(data: dict) -> str:
    """The sanction in the reader's language: 罚款 10 元、警告."""
    s = L.sanction_from_data(data) if data else L.Sanction()
    parts = []
    for part in s.parts():
        value = getattr(s, part)
        if part in ("fine", "bonus_deduction", "salary_deduction"):
            parts.append(str(Msg(f"discipline.sanction.{part}", amount=value)))
        elif part == "cleaning_days":
            parts.append(str(Msg("discipline.sanction.cleaning_days", days=value)))
        else:
            parts.append(str(Msg(f"discipline.sanction.{part}")))
    from django.utils.translation import get_language

    separator = ", " if (get_language() or "").startswith("en") else "、"
    return separator.join(parts) or str(Msg("discipline.sanction.none"))


# ------------------------------------------------------------------------------------------------ recording


def record_violation(
    scope,
    *,
    staff_no: str,
    type_code: str,
    occurred_on,
    note: str = "",
    source: str = Violation.Source.MANUAL,
    evidence_key: str = "",
    evidence: dict | None = None,
    now: datetime | None = None,
) -> Violation:
    """Record one violation and apply its ladder step; the later ones of the period move up a step if needed.
    From evidence, `evidence_key` makes it idempotent (the same finding is recorded once)."""
    now = now or timezone.now()
    center = scope.center
    subject = Staff.objects.filter(center=center, staff_no=str(staff_no).strip(), is_active=True).first()
    pol = policy(center, subject.team_id if subject else None)  # the group's own scheme, if it has one (004:L913)
    if type_code not in pol["types"]:
        raise RuleViolation.of("discipline.unknown_type", field="type_code", value=str(type_code)[:40])
    day = parse_day(occurred_on, "occurred_on")
    if day > timezone.localdate(now):
        raise RuleViolation.of("discipline.future_date", field="occurred_on", value=day.isoformat())
    note = (note or "").strip()
    if source == Violation.Source.MANUAL and not note:
        raise RuleViolation.of("discipline.evidence_required", field="note")
    if len(note) > 500:
        raise RuleViolation.of(
            "common.too_long", field="note", field_label=Msg("discipline.field.note"), max=500, length=len(note)
        )
    staff = subject
    if staff is None:
        raise RuleViolation.of("discipline.not_subject_staff", field="staff_no", value=str(staff_no)[:20])
    _refuse_if_final(center, day)
    with transaction.atomic():
        if evidence_key:
            found = Violation.objects.filter(center=center, evidence_key=evidence_key).first()
            if found is not None:
                return found
        v = Violation.objects.create(
            center=center,
            staff=staff,
            department_id=staff.department_id,
            type_code=type_code,
            occurred_on=day,
            source=source,
            evidence_key=evidence_key,
            evidence=evidence or {},
            note=note,
            recorded_by=scope.staff if source == Violation.Source.MANUAL else None,
            appeal_due=timezone.localdate(now) + timedelta(days=pol["appeal_days"]),
            sanction={},
        )
        renumber(scope, v, now=now)
        v.refresh_from_db()
        ViolationEvent.objects.create(
            violation=v,
            code="discipline.recorded",
            params={
                "type": {"code": pol["types"][type_code]["label"], "params": {}},
                "sanction": v.sanction,
                "occurrence": v.occurrence,
            },
            to_state=v.state,
            actor=scope.staff if source == "manual" else None,
            at=now,
        )
    return v


def renumber(scope, changed: Violation, *, voided_pk: int | None = None, now: datetime | None = None) -> None:
    """Recount the tally `changed` belongs to, in its period, and apply every step that moved: the fund gets the
    difference, a dismissal proposal is made or withdrawn (002:L498 跨月不累计: only this period is touched)."""
    center = changed.center
    all_ladders = ladders(center, Staff.objects.filter(pk=changed.staff_id).values_list("team_id", flat=True).first())
    ladder = all_ladders[changed.type_code]
    types = [t for t, lad in all_ladders.items() if lad.key(t) == ladder.key(changed.type_code)]
    key = L.period_key(changed.occurred_on, ladder.period)
    rows = (
        Violation.objects.select_for_update()
        .filter(center=center, staff_id=changed.staff_id, type_code__in=types, state__in=machine.ACTIVE)
        .order_by("occurred_on", "id")
    )
    rows = [r for r in rows if r.pk != voided_pk and L.period_key(r.occurred_on, ladder.period) == key]
    numbers = L.number_occurrences([L.Event(str(r.staff_id), r.type_code, r.occurred_on) for r in rows], all_ladders)
    for row, n in zip(rows, numbers, strict=True):
        step = L.sanction_to_data(L.penalty_for(all_ladders[row.type_code], n))
        if row.occurrence != n or row.sanction != step:
            moved = row.sanction != step and row.pk != changed.pk
            row.occurrence, row.sanction = n, step
            row.save(update_fields=["occurrence", "sanction"])
            _apply_money(scope, row, now=now)
            if moved:
                ViolationEvent.objects.create(
                    violation=row,
                    code="discipline.renumbered",
                    params={"occurrence": {"code": "discipline.occurrence", "params": {"n": n}}, "sanction": step},
                    actor=scope.staff,
                    at=now or timezone.now(),
                )
        elif row.pk == changed.pk:
            _apply_money(scope, row, now=now)


def _net_fine(v: Violation) -> Decimal:
    sums = {
        k: FundEntry.objects.filter(violation=v, kind=k).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        for k in (FundEntry.Kind.FINE, FundEntry.Kind.REVERSAL)
    }
    return sums[FundEntry.Kind.FINE] - sums[FundEntry.Kind.REVERSAL]


def _apply_money(scope, v: Violation, *, now=None) -> None:
    """Bring the fund and the proposal in line with the violation's current sanction (empty when voided)."""
    s = L.sanction_from_data(v.sanction) if v.sanction else L.Sanction()
    label = {"code": policy(v.center)["types"].get(v.type_code, {}).get("label", v.type_code), "params": {}}
    net = _net_fine(v)
    if net != s.fine:
        if net > 0:
            FundEntry.objects.create(
                center=v.center,
                department_id=v.department_id,
                kind=FundEntry.Kind.REVERSAL,
                amount=net,
                on=v.occurred_on,
                violation=v,
                entered_by=scope.staff,
                description=Msg(
                    "discipline.fund.reversal" if v.state == machine.VOIDED else "discipline.fund.restep",
                    staff_no=v.staff.staff_no,
                    type=label,
                ).as_data(),
            )
        if s.fine > 0:
            FundEntry.objects.create(
                center=v.center,
                department_id=v.department_id,
                kind=FundEntry.Kind.FINE,
                amount=s.fine,
                on=v.occurred_on,
                violation=v,
                entered_by=scope.staff,
                description=Msg("discipline.fund.fine", staff_no=v.staff.staff_no, type=label).as_data(),
            )
    proposal = DismissalProposal.objects.filter(violation=v).first()
    if s.dismissal_proposal and proposal is None:
        DismissalProposal.objects.create(center=v.center, violation=v, staff=v.staff, forfeit_salary=s.forfeit_salary)
    elif (
        not s.dismissal_proposal and proposal is not None and proposal.state in (machine.PROPOSED, machine.HR_REVIEWED)
    ):
        fire(machine.PROPOSAL, scope, proposal, "withdraw", now=now)


def undo(scope, v: Violation) -> None:
    """An upheld appeal or a withdrawn record: its sanction is cleared (fine reversed, proposal withdrawn) and the
    later violations of its period step down (called inside the kernel's transaction)."""
    v.sanction, v.occurrence = {}, 0
    Violation.objects.filter(pk=v.pk).update(sanction={}, occurrence=0)
    _apply_money(scope, v)
    renumber(scope, v, voided_pk=v.pk)


def transition(scope, violation_id: int, *, name: str, version: int | None = None, **fields) -> Violation:
    v = scope.get(Violation.objects.select_related("staff"), "违规记录", pk=violation_id)
    return fire(machine.VIOLATION, scope, v, name, version=version, **fields)


def decide_proposal(scope, proposal_id: int, *, name: str, version: int | None = None, **fields):
    p = scope.get(DismissalProposal.objects.all(), "开除建议", pk=proposal_id)
    return fire(machine.PROPOSAL, scope, p, name, version=version, **fields)


# ------------------------------------------------------------------------------------------- team rules

TEAM_RULE_KEYS = ("types", "rewards")  # what a group's scheme may set: violation types and ladders, rewards


def team_rules(scope, team_id: int) -> dict:
    from kefu.org.models import Team

    team = scope.get(Team.objects.all(), "班组", pk=team_id)
    row = TeamRules.objects.filter(team=team).first()
    return {
        "team_id": team.pk,
        "team": team.name,
        "lead": team.lead.staff_no if team.lead_id else "",
        "overrides": row.overrides if row else {},
        "version": row.version if row else 0,
        "effective": {k: policy(scope.center, team.pk)[k] for k in TEAM_RULE_KEYS},
        "changes": [
            {"at": c.at, "by": c.by.staff_no if c.by else "", "before": c.before, "after": c.after}
            for c in (row.changes.select_related("by")[:20] if row else [])
        ],
    }


def set_team_rules(scope, team_id: int, *, overrides, version: int | None = None) -> TeamRules:
    """The team lead sets the group's reward-and-penalty scheme (004:L913: 班长制定…奖惩办法), for their own group
    only; checked like the center's policy (every ladder parses), kept with its history and audited."""
    from kefu.audit.models import AuditRecord
    from kefu.audit.services import record
    from kefu.errors import NotAllowed
    from kefu.org.models import Team

    from .policy import validate

    team = scope.get(Team.objects.all(), "班组", pk=team_id)
    if team.lead_id != scope.staff.pk:
        raise NotAllowed(Msg("discipline.team_rules.not_lead", team=team.name), rule="discipline.team_rules.not_lead")
    if not isinstance(overrides, dict):
        raise RuleViolation.of("discipline.team_rules.not_object", field="overrides")
    unknown = sorted(set(overrides) - set(TEAM_RULE_KEYS))
    if unknown:
        raise RuleViolation.of("discipline.team_rules.unknown_key", field="overrides", keys=unknown)
    for key in TEAM_RULE_KEYS:
        if key in overrides and not isinstance(overrides[key], dict):
            raise RuleViolation.of("discipline.team_rules.not_object", field=f"overrides.{key}")
    for key in TEAM_RULE_KEYS:
        for code, spec in overrides.get(key, {}).items():
            if (
                not isinstance(spec, dict)
                or ("label" in spec and not isinstance(spec["label"], str))
                or not isinstance(spec.get("ladder", {}), dict)
                or not isinstance(spec.get("sources", []), list)
            ):
                raise RuleViolation.of("discipline.team_rules.not_object", field=f"overrides.{key}.{code}")
    merged = deep_merge(policy(scope.center), overrides)
    try:
        errors = validate(merged)
    except (TypeError, ValueError, AttributeError, KeyError):  # a shape the ladder parser does not expect
        raise RuleViolation.of("discipline.team_rules.not_object", field="overrides.types") from None
    for code, spec in merged["types"].items():
        if not spec.get("label"):
            errors.append((f"types.{code}.label", str(Msg("discipline.team_rules.label_required", type=code))))
    for code, spec in merged.get("rewards", {}).items():
        amount = spec.get("amount")
        if not spec.get("label") or (amount is not None and not isinstance(amount, str | int | float)):
            errors.append((f"rewards.{code}", str(Msg("discipline.team_rules.label_required", type=code))))
        elif amount is not None:
            try:
                parse_amount(amount, "amount")
            except RuleViolation as exc:
                errors.append((f"rewards.{code}.amount", str(exc.problems[0].message)))
    if errors:
        from kefu.errors import Problem

        raise RuleViolation.many(
            [Problem(f"overrides.{field}", "discipline.team_rules.invalid", message) for field, message in errors]
        )
    with transaction.atomic():
        row, created = TeamRules.objects.select_for_update().get_or_create(team=team, defaults={"version": 0})
        if version is not None and int(version) != row.version:
            from kefu.errors import Conflict

            raise Conflict(
                Msg("workflow.version_conflict", current=row.version, given=version),
                field="version",
                rule="workflow.version_conflict",
            )
        before = row.overrides
        row.overrides, row.updated_by, row.version = overrides, scope.staff, row.version + 1
        row.save()
        TeamRulesChange.objects.create(rules=row, before=before, after=overrides, by=scope.staff)
        record(
            getattr(scope, "request", None),
            AuditRecord.Action.WRITE,
            object_type="discipline_team_rules",
            ids=[row.pk],
            fields="overrides",
            note=f"team={team.pk} version={row.version}",
            user=scope.user,
        )
    return row


# ------------------------------------------------------------------------- team work rules and phrase standards

STANDARD_LIMITS = {
    "sections": 30,
    "section_title": 60,
    "section_text": 4000,
    "standard": 50,
    "phrase_title": 100,
    "phrase_text": 500,
    "discouraged": 50,
    "phrase": 50,
    "suggestion": 300,
}


def _team_for_reading(scope, team_id: int | None):
    """The group whose standards the caller reads: their own by default; another group of the center only for leads,
    supervisors, the manager and HR (an agent reads their own group's)."""
    from kefu.org.models import Team

    from .access import DECIDERS, LEADS

    if team_id is None:  # the caller's own group, or the one they lead
        team_id = (
            scope.staff.team_id
            or Team.objects.filter(center=scope.center, lead=scope.staff)
            .order_by("code")
            .values_list("pk", flat=True)
            .first()
        )
        if team_id is None:
            return None
    team = scope.get(Team.objects.select_related("lead"), "班组", pk=team_id)
    if team.pk != scope.staff.team_id and team.lead_id != scope.staff.pk and not scope.has(*(LEADS | DECIDERS)):
        raise NotAllowed(Msg("discipline.standards.not_member", team=team.name), rule="discipline.standards.not_member")
    return team


def _team_for_writing(scope, team_id: int):
    from kefu.org.models import Team

    team = scope.get(Team.objects.select_related("lead"), "班组", pk=team_id)
    if team.lead_id != scope.staff.pk:  # 004:L913: the group's own team lead, no one else
        raise NotAllowed(Msg("discipline.standards.not_lead", team=team.name), rule="discipline.standards.not_lead")
    return team


def team_standards(scope, team_id: int | None = None) -> dict | None:
    """A group's work rules, phrase standards and reward-and-penalty scheme as its members read them (004:L913), with
    each version's change (who, when, before and after); None when the caller has no group."""
    team = _team_for_reading(scope, team_id)
    if team is None:
        return None
    rows = {s.kind: s for s in TeamStandard.objects.filter(team=team).select_related("updated_by")}
    out = {"team": team, "lead": team.lead, "may_edit": team.lead_id == scope.staff.pk}
    for kind in TeamStandard.Kind.values:
        row = rows.get(kind)
        out[kind] = {
            "content": row.content if row else {},
            "version": row.version if row else 0,
            "updated_by": row.updated_by if row else None,
            "updated_at": row.updated_at if row else None,
            "changes": list(row.changes.select_related("by")[:20]) if row else [],
        }
    scheme = TeamRules.objects.filter(team=team).values_list("overrides", flat=True).first() or {}
    out["scheme"] = scheme
    return out


def _text(value, field: str, label: str, limit: int, problems: list, *, required: bool = True) -> str:
    from kefu.errors import Problem

    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        problems.append(Problem.of("discipline.standards.not_text", field=field, field_label=Msg(label)))
    elif required and not text:
        problems.append(Problem.of("common.required", field=field, field_label=Msg(label)))
    elif len(text) > limit:
        problems.append(Problem.of("common.too_long", field=field, field_label=Msg(label), max=limit, length=len(text)))
    return text


def _rows(value, field: str, limit: int, problems: list) -> list[dict]:
    """The rows a form or API sent, blank ones dropped."""
    from kefu.errors import Problem

    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        problems.append(Problem.of("discipline.standards.not_list", field=field))
        return []
    rows = [
        r
        for r in value
        if any(v.strip() if isinstance(v, str) else v is not None for k, v in r.items() if k != "situation")
    ]
    if len(rows) > limit:
        problems.append(Problem.of("discipline.standards.too_many", field=field, max=limit, count=len(rows)))
    return rows[:limit]


def _save_standard(scope, team, kind: str, content: dict, version) -> TeamStandard:
    from kefu.audit.models import AuditRecord
    from kefu.audit.services import record
    from kefu.errors import Conflict

    with transaction.atomic():
        row, _ = TeamStandard.objects.select_for_update().get_or_create(team=team, kind=kind)
        if version not in (None, "") and str(version).strip() != str(row.version):
            raise Conflict(
                Msg("workflow.version_conflict", current=row.version, given=version),
                field="version",
                rule="workflow.version_conflict",
            )
        before = row.content
        if before == content:
            return row
        row.content, row.updated_by, row.version = content, scope.staff, row.version + 1
        row.save()
        TeamStandardChange.objects.create(
            standard=row, version=row.version, before=before, after=content, by=scope.staff
        )
        record(
            getattr(scope, "request", None),
            AuditRecord.Action.WRITE,
            object_type=f"discipline_team_{kind}",
            ids=[row.pk],
            fields="content",
            note=f"team={team.pk} version={row.version}",
            user=scope.user,
        )
    return row


def set_work_rules(scope, team_id: int, *, sections, version=None) -> TeamStandard:
    """The team lead writes the group's work rules (004:L913 制定班组的规章制度): titled free-text sections, every
    change kept whole (before and after) and audited. Only the group's own lead; bad input changes nothing."""
    from kefu.errors import Problem

    team = _team_for_writing(scope, team_id)
    problems: list[Problem] = []
    kept = []
    for i, r in enumerate(_rows(sections, "sections", STANDARD_LIMITS["sections"], problems)):
        title = _text(
            r.get("title"),
            f"sections[{i}].title",
            "discipline.field.section_title",
            STANDARD_LIMITS["section_title"],
            problems,
        )
        text = _text(
            r.get("text"),
            f"sections[{i}].text",
            "discipline.field.section_text",
            STANDARD_LIMITS["section_text"],
            problems,
        )
        kept.append({"title": title, "text": text})
    if problems:
        raise RuleViolation.many(problems)
    return _save_standard(scope, team, TeamStandard.Kind.WORK_RULES, {"sections": kept}, version)


def literal_pattern(phrase: str) -> str:
    """A group's discouraged phrase as the checker's pattern: the words as written, nothing read as a pattern."""
    import re

    return re.escape(phrase)


def set_phrase_standards(scope, team_id: int, *, standard, discouraged, version=None) -> TeamStandard:
    """The team lead writes the group's phrase standards (004:L913 用语规范): standard phrases added to the center's
    (by situation) and discouraged phrases added to the center's, with the wording to use instead; the phrase checker
    flags the discouraged ones in the group's members' texts. A standard phrase may hold none of the center's or the
    group's discouraged or forbidden phrases. Only the group's own lead; every change kept and audited."""
    from kefu.errors import Problem
    from kefu.knowledge import phrases
    from kefu.knowledge import services as knowledge
    from kefu.knowledge.standard_phrases import SITUATIONS

    team = _team_for_writing(scope, team_id)
    problems: list[Problem] = []
    bad_words = []
    seen = set()
    for i, r in enumerate(_rows(discouraged, "discouraged", STANDARD_LIMITS["discouraged"], problems)):
        phrase = _text(
            r.get("phrase"), f"discouraged[{i}].phrase", "discipline.field.phrase", STANDARD_LIMITS["phrase"], problems
        )
        suggestion = _text(
            r.get("suggestion"),
            f"discouraged[{i}].suggestion",
            "discipline.field.suggestion",
            STANDARD_LIMITS["suggestion"],
            problems,
        )
        if phrase and phrase in seen:
            problems.append(
                Problem.of("discipline.standards.duplicate", field=f"discouraged[{i}].phrase", phrase=phrase)
            )
        elif phrase and phrases.pattern_problem(literal_pattern(phrase)):
            problems.append(
                Problem.of("discipline.standards.bad_phrase", field=f"discouraged[{i}].phrase", phrase=phrase)
            )
        seen.add(phrase)
        bad_words.append({"phrase": phrase, "suggestion": suggestion})
    rules = tuple(phrases.rule_from(d) for d in _phrase_rules(team, bad_words) if not problems)
    kept = []
    for i, r in enumerate(_rows(standard, "standard", STANDARD_LIMITS["standard"], problems)):
        situation = r.get("situation")
        if situation not in SITUATIONS:
            problems.append(
                Problem.of(
                    "discipline.standards.situation", field=f"standard[{i}].situation", value=str(situation)[:30]
                )
            )
        title = _text(
            r.get("title"),
            f"standard[{i}].title",
            "discipline.field.phrase_title",
            STANDARD_LIMITS["phrase_title"],
            problems,
        )
        text = _text(
            r.get("text"),
            f"standard[{i}].text",
            "discipline.field.phrase_text",
            STANDARD_LIMITS["phrase_text"],
            problems,
        )
        hits = [h for h in knowledge.check_text(text, scope.center) if h.category in ("forbidden", "discouraged")]
        hits += phrases.check(text, rules) if rules else []
        if hits:
            problems.append(
                Problem.of(
                    "discipline.standards.standard_flagged",
                    field=f"standard[{i}].text",
                    phrase=hits[0].phrase,
                    suggestion=hits[0].suggestion,
                )
            )
        kept.append({"situation": situation, "title": title, "text": text})
    if problems:
        raise RuleViolation.many(problems)
    return _save_standard(scope, team, TeamStandard.Kind.PHRASES, {"standard": kept, "discouraged": bad_words}, version)


def _phrase_rules(team, discouraged: list[dict]) -> list[dict]:
    source = str(Msg("discipline.standards.checker_source", team=team.name))
    return [
        {
            "code": f"team{team.pk}-{i + 1}",
            "category": "discouraged",
            "phrase": d["phrase"],
            "pattern": literal_pattern(d["phrase"]),
            "suggestion": d["suggestion"],
            "seed_line": source,
        }
        for i, d in enumerate(discouraged)
        if d.get("phrase")
    ]


def group_phrase_rules(staff) -> list[dict]:
    """The phrase checker's additions for `staff`: their group's discouraged phrases (004:L913), registered with
    the hook "knowledge.group_phrases" (kefu.registry) when the app is ready. Nothing for a person without a group."""
    if staff is None or not getattr(staff, "team_id", None):
        return []
    row = (
        TeamStandard.objects.filter(team_id=staff.team_id, kind=TeamStandard.Kind.PHRASES)
        .select_related("team")
        .first()
    )
    if row is None or not row.content.get("discouraged"):
        return []
    return _phrase_rules(row.team, row.content["discouraged"])


# -------------------------------------------------------------------------------------------- evidence


def record_from_evidence(scope, month, *, now: datetime | None = None) -> dict[str, int]:
    """The month's violations from kefu's own records, each once: attendance findings (late, early, absent),
    QA red-line failures and overdue orders. Returns how many were new per source."""
    from kefu.attendance import services as attendance
    from kefu.quality.machine import FINAL
    from kefu.quality.models import Evaluation
    from kefu.tickets.models import Order

    now = now or timezone.now()
    month = parse_month(month)
    types = policy(scope.center)["types"]
    counts = {"attendance": 0, "qa": 0, "tickets": 0}
    first, last = month, date(month.year, month.month, monthrange(month.year, month.month)[1])
    status_types = {
        "late": ["late"],
        "early": ["early_leave"],
        "late_early": ["late", "early_leave"],
        "absent": ["absenteeism"],
    }

    def add(source, staff_no, type_code, day, key, evidence):
        if type_code not in types or source not in types[type_code]["sources"]:
            return
        before = Violation.objects.filter(center=scope.center, evidence_key=key).exists()
        if not before:
            record_violation(
                scope,
                staff_no=staff_no,
                type_code=type_code,
                occurred_on=day,
                source=source,
                evidence_key=key,
                evidence=evidence,
                now=now,
            )
            counts[source] += 1

    for row in attendance.month_rows(scope.center, month=month, now=now):
        for d in row["days"]:
            for type_code in status_types.get(d["status"], []):
                add(
                    "attendance",
                    row["staff_no"],
                    type_code,
                    date.fromisoformat(d["day"]),
                    f"attendance:{row['staff_no']}:{d['day']}:{type_code}",
                    Msg(
                        "discipline.evidence.attendance",
                        day=d["day"],
                        status=d["status"],
                        late=d["late"],
                        early=d["early"],
                    ).as_data(),
                )
    post_types = policy(scope.center).get("post_findings", {})
    for f in attendance.post_findings(scope.center, month):
        if f["finding"] not in post_types:
            continue
        if f["kind"] == "left_post":
            evidence = Msg("discipline.evidence.left_post", at=f["at"], minutes=f["minutes"])
        elif f["until"] is None:
            evidence = Msg("discipline.evidence.spot_check_unexplained", at=f["at"])
        else:
            evidence = Msg("discipline.evidence.spot_check", at=f["at"], minutes=f["minutes"])
        add(
            "attendance",
            f["staff_no"],
            post_types[f["finding"]],
            f["day"],
            f"attendance:post:{f['id']}",
            evidence.as_data(),
        )
    evaluations = scope.filter(
        Evaluation.objects.filter(critical_failed=True, state__in=FINAL, scored_at__date__range=(first, last))
    ).select_related("agent")
    for e in evaluations:
        add(
            "qa",
            e.agent.staff_no,
            "qa_red_line",
            timezone.localdate(e.scored_at),
            f"qa:{e.pk}",
            Msg("discipline.evidence.qa", call_id=e.call_id, total=e.total).as_data(),
        )
    orders = scope.filter(
        Order.objects.filter(is_overdue=True, overdue_at__date__range=(first, last), handler__isnull=False)
    ).select_related("handler")
    for o in orders:
        add(
            "tickets",
            o.handler.staff_no,
            "overdue_order",
            timezone.localdate(o.overdue_at),
            f"tickets:{o.pk}",
            Msg("discipline.evidence.tickets", number=getattr(o, "number", o.pk)).as_data(),
        )
    return counts


def supervised_counts(center, month: date) -> dict[int, int]:
    """督办 per person in the month: written escalations of the overdue orders they handled (004:L2181)."""
    from kefu.tickets.models import Escalation

    first, last = month, date(month.year, month.month, monthrange(month.year, month.month)[1])
    out: dict[int, int] = {}
    rows = Escalation.objects.filter(
        order__center=center, at__date__range=(first, last), order__handler__isnull=False
    ).values_list("order__handler_id", flat=True)
    for staff_id in rows:
        out[staff_id] = out.get(staff_id, 0) + 1
    return out


# ------------------------------------------------------------------------------------------------ fund


def fund_rows(scope, department_id: int | None, *, month=None) -> dict:
    """The ledger of a department (None: entries without a department), with the running balance; approved spending
    and posted fines/reversals only count (000:L203)."""
    qs = scope.filter(FundEntry.objects.filter(department_id=department_id)).select_related("entered_by", "approved_by")
    balance = Decimal(0)
    rows = []
    start = parse_month(month) if month else None
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1) if start else None
    opening = Decimal(0)
    for e in qs.order_by("on", "id"):
        sign = {"fine": 1, "reversal": -1, "spending": -1}[e.kind]
        counts = e.kind != FundEntry.Kind.SPENDING or e.state == FundEntry.State.APPROVED
        if counts:
            balance += sign * e.amount
        if start and e.on < start:
            opening = balance
            continue
        if end and e.on >= end:
            continue
        rows.append(
            {
                "id": e.pk,
                "on": e.on,
                "kind": e.kind,
                "amount": e.amount,
                "state": e.state,
                "description": e.description,
                "purpose": e.purpose,
                "text": str(Msg.from_data(e.description)) if e.description else e.purpose,
                "entered_by": e.entered_by.staff_no if e.entered_by else "",
                "approved_by": e.approved_by.staff_no if e.approved_by else "",
                "counts": counts,
                "balance": balance,
            }
        )
    closing = rows[-1]["balance"] if rows else opening
    fines = sum((r["amount"] for r in rows if r["kind"] == "fine"), Decimal(0))
    out = sum((r["amount"] for r in rows if r["counts"] and r["kind"] != "fine"), Decimal(0))
    return {"rows": rows, "opening": opening, "closing": closing, "fines": fines, "out": out}


def balance(center, department_id) -> Decimal:
    q = FundEntry.objects.filter(center=center, department_id=department_id)
    fines = q.filter(kind="fine").aggregate(s=Sum("amount"))["s"] or Decimal(0)
    out = q.filter(Q(kind="reversal") | Q(kind="spending", state="approved")).aggregate(s=Sum("amount"))["s"] or 0
    return fines - Decimal(out)


def enter_spending(scope, *, department_id: int | None, amount, purpose: str, spent_on) -> FundEntry:
    amount = parse_amount(amount)
    if amount <= 0:
        raise RuleViolation.of(
            "discipline.bad_amount", field="amount", field_label=Msg("discipline.field.amount"), value=str(amount)
        )
    purpose = (purpose or "").strip()
    if not purpose:
        raise RuleViolation.of("common.required", field="purpose", field_label=Msg("discipline.field.purpose"))
    if len(purpose) > 200:
        raise RuleViolation.of(
            "common.too_long",
            field="purpose",
            field_label=Msg("discipline.field.purpose"),
            max=200,
            length=len(purpose),
        )
    day = parse_day(spent_on, "spent_on")
    if department_id is not None:
        from kefu.org.models import Department

        scope.get(Department.objects.all(), "部门", pk=department_id)
    return FundEntry.objects.create(
        center=scope.center,
        department_id=department_id,
        kind=FundEntry.Kind.SPENDING,
        amount=amount,
        on=day,
        purpose=purpose,
        state=FundEntry.State.SUBMITTED,
        entered_by=scope.staff,
    )


def decide_spending(scope, entry_id: int, *, approve: bool) -> FundEntry:
    with transaction.atomic():
        e = scope.get(FundEntry.objects.select_for_update(), "经费记录", pk=entry_id, kind=FundEntry.Kind.SPENDING)
        if e.state != FundEntry.State.SUBMITTED:
            raise RuleViolation.of(
                "discipline.not_pending", field="state", status=409, state=Msg(f"discipline.fund.state.{e.state}")
            )
        if e.entered_by_id == scope.staff.pk:
            raise RuleViolation.of("discipline.own_spending", field="state", status=403)
        if approve:
            left = balance(scope.center, e.department_id)
            if e.amount > left:
                raise RuleViolation.of("discipline.spending_exceeds", field="amount", amount=e.amount, balance=left)
        e.state = FundEntry.State.APPROVED if approve else FundEntry.State.REJECTED
        e.approved_by = scope.staff
        e.save(update_fields=["state", "approved_by"])
    return e


def publish_fund(scope, department_id: int | None, *, month) -> FundPublication:
    month = parse_month(month)
    ledger = fund_rows(scope, department_id, month=month)
    # stored as data (the message code and parameters, or the purpose as entered), rendered when read
    rows = [
        {
            **{k: v for k, v in r.items() if k != "text"},
            "on": r["on"].isoformat(),
            "amount": str(r["amount"]),
            "balance": str(r["balance"]),
        }
        for r in ledger["rows"]
    ]
    return FundPublication.objects.create(
        center=scope.center,
        department_id=department_id,
        month=month,
        rows=rows,
        balance=ledger["closing"],
        published_by=scope.staff,
    )


# ---------------------------------------------------------------------------------------------- rewards


def propose_reward(scope, *, staff_no: str, type_code: str, month, reason: str, amount=None) -> Reward:
    pol = policy(scope.center)
    spec = pol["rewards"].get(type_code)
    if spec is None:
        raise RuleViolation.of("discipline.unknown_reward", field="type_code", value=str(type_code)[:40])
    staff = Staff.objects.filter(center=scope.center, staff_no=str(staff_no).strip(), is_active=True).first()
    if staff is None:
        raise RuleViolation.of("discipline.not_subject_staff", field="staff_no", value=str(staff_no)[:20])
    month = parse_month(month)
    if amount in (None, ""):
        if spec.get("amount") is None:
            raise RuleViolation.of("discipline.amount_required", field="amount")
        amount = spec["amount"]
    amount = parse_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation.of("common.required", field="reason", field_label=Msg("discipline.field.reason"))
    if type_code == "outstanding":  # 001:L158: any violation in the period disqualifies
        months = pol["outstanding"]["period_months"]
        start = month
        for _ in range(months - 1):
            start = first_of(start - timedelta(days=1))
        end = date(month.year, month.month, monthrange(month.year, month.month)[1])
        n = Violation.objects.filter(staff=staff, state__in=machine.ACTIVE, occurred_on__range=(start, end)).count()
        if n:
            raise RuleViolation.of(
                "discipline.outstanding_disqualified", field="staff_no", staff_no=staff.staff_no, n=n
            )
    _refuse_if_final(scope.center, month)
    return Reward.objects.create(
        center=scope.center,
        staff=staff,
        type_code=type_code,
        amount=amount,
        month=month,
        reason=reason[:500],
        proposed_by=scope.staff,
    )


def decide_reward(scope, reward_id: int, *, approve: bool) -> Reward:
    with transaction.atomic():
        r = scope.get(Reward.objects.select_for_update(), "奖励", pk=reward_id)
        if r.state != "proposed":
            raise RuleViolation.of(
                "discipline.not_pending", field="state", status=409, state=Msg(f"discipline.reward.state.{r.state}")
            )
        if r.proposed_by_id == scope.staff.pk:
            raise RuleViolation.of(
                "workflow.own_request", field="state", status=403, action=Msg("discipline.field.reward")
            )
        _refuse_if_final(scope.center, r.month)
        r.state = "approved" if approve else "rejected"
        r.decided_by = scope.staff
        r.save(update_fields=["state", "decided_by"])
    return r


# -------------------------------------------------------------------------------------------- appraisal


def _month_end(month: date) -> date:
    return date(month.year, month.month, monthrange(month.year, month.month)[1])


def appraised_staff(center):
    """The people appraised: active agents, senior agents and team leads of the center (the loop of bench/appraisal
    reads them as model objects; compute_month reads only the columns it needs, `appraised_people`)."""
    from django.contrib.auth.models import User

    members = User.groups.through.objects.filter(group__name__in=APPRAISED_ROLES).values("user_id")
    return (
        Staff.objects.filter(center=center, is_active=True, user_id__in=members)
        .select_related("discipline_record")
        .order_by("staff_no")
    )


@dataclass(frozen=True)
class Person:
    """What the month's appraisal reads of a person: the employment type from the staff record (004:L1739-1745,
    000:L86), the rank and the appraisal status from the discipline record (000:L84, L82)."""

    staff_id: int
    employment: str
    rank: str = "staff"
    status: str = StaffRecord.Status.ACTIVE


def person_of(staff: Staff) -> Person:
    record = getattr(staff, "discipline_record", None)
    if record is None:
        return Person(staff.pk, staff.employment)
    return Person(staff.pk, staff.employment, record.rank, record.status)


def appraised_people(center) -> list[Person]:
    """Every appraised person of the center as plain values: one query, no model objects."""
    rows = (
        appraised_staff(center)
        .select_related(None)
        .values_list("pk", "employment", "discipline_record__rank", "discipline_record__status")
    )
    return [
        Person(pk, employment, rank or "staff", status or StaffRecord.Status.ACTIVE)
        for pk, employment, rank, status in rows
    ]


def compute_month(scope, month, *, now: datetime | None = None) -> AppraisalMonth:
    """Every appraised person's month: violations, 督办, grade (or score), deductions and bonus. A final month is
    refused (reopen it first); a month not yet ended too.

    Each input is read once for the whole center as plain values (no model objects), every person is appraised in
    Python, and the month is written with one upsert (bench/appraisal.py, bench/APPRAISAL.md)."""
    now = now or timezone.now()
    month = parse_month(month)
    if _month_end(month) >= timezone.localdate(now):
        raise RuleViolation.of("discipline.future_month", field="month", value=month.strftime("%Y-%m"))
    pol = policy(scope.center)
    scheme = pol["appraisal"]
    with transaction.atomic():
        period, _ = AppraisalMonth.objects.select_for_update().get_or_create(center=scope.center, month=month)
        if period.final:
            raise RuleViolation.of("discipline.month_final", field="month", status=409, month=month.strftime("%Y-%m"))
        people = appraised_people(scope.center)
        sanctions: dict[int, list[dict]] = {}
        for staff_id, sanction in Violation.objects.filter(
            center=scope.center, state__in=machine.ACTIVE, occurred_on__range=(month, _month_end(month))
        ).values_list("staff_id", "sanction"):
            sanctions.setdefault(staff_id, []).append(sanction)
        supervised = supervised_counts(scope.center, month)
        rewards = dict(
            Reward.objects.filter(center=scope.center, month=month, state="approved")
            .values_list("staff_id")
            .annotate(s=Sum("amount"))
        )
        qa = _qa_averages(scope.center, month) if scheme["scheme"] == "score" else {}
        # the rows already there: only their form dates count (lateness); the upsert keeps them as they are
        forms = dict(Appraisal.objects.filter(period=period).values_list("staff_id", "form_submitted_on"))
        rows = [
            appraise(
                p,
                sanctions=sanctions.get(p.staff_id, []),
                supervised=supervised.get(p.staff_id, 0),
                reward=rewards.get(p.staff_id, Decimal(0)),
                qa=qa.get(p.staff_id),
                scheme=scheme,
                period=period,
                month=month,
                now=now,
                form_submitted_on=forms.get(p.staff_id),
            )
            for p in people
        ]
        gone = set(forms) - {p.staff_id for p in people}
        if gone:
            Appraisal.objects.filter(period=period, staff_id__in=gone).delete()
        # one upsert for the month (a row per person; the form and opinion dates a row has are kept); PostgreSQL takes
        # it as one statement (Django sends the columns as arrays), SQLite in the batches its parameter limit allows
        Appraisal.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["period", "staff"], update_fields=APPRAISAL_FIELDS
        )
        period.computed_at = now
        period.save(update_fields=["computed_at"])
    return period


def _qa_averages(center, month: date) -> dict[int, float]:
    from django.db.models import Avg

    from kefu.quality.machine import FINAL
    from kefu.quality.models import Evaluation

    rows = (
        Evaluation.objects.filter(center=center, state__in=FINAL, scored_at__date__range=(month, _month_end(month)))
        .values("agent_id")
        .annotate(a=Avg("total"))
    )
    return {r["agent_id"]: float(r["a"]) for r in rows}


APPRAISAL_FIELDS = [
    "graded",
    "violations",
    "supervised",
    "grade",
    "reasons",
    "score",
    "base",
    "deductions",
    "forfeit",
    "rewards",
    "fines",
    "bonus",
]


def appraise(
    person: Person,
    *,
    sanctions: list[dict],
    supervised,
    reward,
    qa,
    scheme,
    period,
    month,
    now,
    row: Appraisal | None = None,
    form_submitted_on: date | None = None,
) -> Appraisal:
    """One person's month from the sanctions of their active violations, 督办 count, approved rewards and QA average
    (not saved). `row`, when given, is updated in place; its form date counts for lateness."""
    t = L.tally(L.sanction_from_data(s) for s in sanctions if s)
    if row is None:
        row = Appraisal(period=period, staff_id=person.staff_id, form_submitted_on=form_submitted_on)
    row.violations, row.supervised = len(sanctions), supervised
    row.deductions, row.forfeit, row.fines, row.rewards = t.bonus_deductions, t.forfeit_bonus, t.fines, reward
    excluded = A.not_graded_because(person.employment, person.status)
    row.graded = excluded is None
    bases = scheme.get("bases", {})
    base = Decimal(str(bases.get(person.rank, bases.get("staff", "0"))))
    row.base = base
    if excluded is not None:
        row.grade, row.reasons, row.bonus, row.score = "", [excluded], Decimal(0), None
        return row
    rules = A.BonusRules(bases={}, factors={k: Decimal(str(v)) for k, v in scheme.get("factors", {}).items()})
    if scheme["scheme"] == "grades":
        form_due, _ = A.appraisal_deadlines(month, form_day=scheme["form_day"], opinion_day=scheme["opinion_day"])
        late = A.is_late(row.form_submitted_on, form_due, timezone.localdate(now)) if row.form_submitted_on else False
        g = A.monthly_grade(
            A.MonthFacts(violations=len(sanctions), supervised=supervised, form_late=late),
            A.GradeRules(
                fair_max_violations=scheme["fair_max_violations"], poor_over_supervised=scheme["poor_over_supervised"]
            ),
        )
        row.grade, row.reasons, row.score = g.grade, list(g.reasons), None
    else:
        discipline_points = max(0.0, 100.0 - scheme["points_per_violation"] * len(sanctions))
        score = A.weighted_score({"qa": qa, "discipline": discipline_points, "attendance": None}, scheme["weights"])
        row.score = Decimal(str(score)) if score is not None else None
        row.grade = A.grade_from_score(score, [tuple(b) for b in scheme["bands"]]) or ""
        row.reasons = []
    if not rules.factors or not row.grade:
        row.bonus = Decimal(0)
    else:
        row.bonus = A.monthly_bonus(base, row.grade, rules, deductions=t.bonus_deductions, forfeit=t.forfeit_bonus)
    return row


def finalise_month(scope, month) -> AppraisalMonth:
    month = parse_month(month)
    with transaction.atomic():
        period = AppraisalMonth.objects.select_for_update().filter(center=scope.center, month=month).first()
        if period is None or period.computed_at is None:
            raise RuleViolation.of("discipline.payroll_not_computed", field="month", month=month.strftime("%Y-%m"))
        if period.final:
            raise RuleViolation.of("discipline.month_final", field="month", status=409, month=month.strftime("%Y-%m"))
        period.final, period.finalised_by, period.finalised_at = True, scope.staff, timezone.now()
        period.save(update_fields=["final", "finalised_by", "finalised_at"])
    return period


def reopen_month(scope, month) -> AppraisalMonth:
    month = parse_month(month)
    with transaction.atomic():
        period = AppraisalMonth.objects.select_for_update().filter(center=scope.center, month=month, final=True).first()
        if period is None:
            raise RuleViolation.of("discipline.month_not_final", field="month", month=month.strftime("%Y-%m"))
        period.final, period.finalised_by, period.finalised_at = False, None, None
        period.save(update_fields=["final", "finalised_by", "finalised_at"])
    return period


def payroll_sheet(scope, month) -> bytes:
    """The month's payroll sheet (Excel): one row per person, for payroll once the manager has made it final."""
    from io import BytesIO

    from openpyxl import Workbook

    month = parse_month(month)
    period = AppraisalMonth.objects.filter(center=scope.center, month=month).first()
    if period is None or period.computed_at is None:
        raise RuleViolation.of("discipline.payroll_not_computed", field="month", month=month.strftime("%Y-%m"))
    wb = Workbook()
    ws = wb.active
    ws.title = month.strftime("%Y-%m")
    from django.utils.translation import gettext as _

    yes, no = _("是"), _("否")
    ws.append(
        [
            _("工号"),
            _("参加考评"),
            _("违规次数"),
            _("督办次数"),
            _("等次"),
            _("得分"),
            _("考核奖基数"),
            _("扣款"),
            _("取消考核奖"),
            _("考核奖"),
            _("奖励"),
            _("罚款（已交入部门活动经费）"),
            _("状态"),
        ]
    )
    state = _("已定稿") if period.final else _("草稿（未经中心经理定稿）")
    for a in period.rows.select_related("staff").order_by("staff__staff_no"):
        ws.append(
            [
                a.staff.staff_no,
                yes if a.graded else no,
                a.violations,
                a.supervised,
                str(Msg(f"discipline.grade.{a.grade}")) if a.grade else "—",
                float(a.score) if a.score is not None else None,
                float(a.base),
                float(a.deductions),
                yes if a.forfeit else no,
                float(a.bonus),
                float(a.rewards),
                float(a.fines),
                state,
            ]
        )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def ensure_record(staff, *, rank: str = "staff", status: str = StaffRecord.Status.ACTIVE) -> StaffRecord:
    """The person's discipline record (rank, appraisal status), made when missing. The employment type is set on the
    staff record itself (kefu.org)."""
    if status not in StaffRecord.Status.values:
        raise RuleViolation.of("discipline.bad_status", field="status", value=str(status)[:20])
    record, _ = StaffRecord.objects.get_or_create(staff=staff, defaults={"rank": rank, "status": status})
    return record


# ---------------------------------------------------------------------------------------------------- reads


def department_of(scope, department_id: int | None) -> int | None:
    """The department a fund call is about: the one named (of the caller's center) or the caller's own."""
    from kefu.org.models import Department

    if department_id is None:
        return scope.staff.department_id
    return scope.get(Department.objects.all(), "部门", pk=department_id).pk


def fund_row(e: FundEntry) -> dict:
    return {
        "id": e.pk,
        "on": e.on,
        "kind": e.kind,
        "amount": e.amount,
        "state": e.state,
        "text": str(Msg.from_data(e.description)) if e.description else e.purpose,
        "entered_by": e.entered_by.staff_no if e.entered_by else "",
        "approved_by": e.approved_by.staff_no if e.approved_by else "",
        "counts": e.kind != FundEntry.Kind.SPENDING or e.state == FundEntry.State.APPROVED,
        "balance": balance(e.center, e.department_id),
    }


def month_violations(scope, *, month: date, staff_no: str | None = None):
    qs = scope.filter(Violation.objects.filter(occurred_on__range=(month, _month_end(month)))).select_related(
        "staff", "center"
    )
    if staff_no:
        qs = qs.filter(staff__staff_no=staff_no)
    return list(qs.order_by("staff__staff_no", "occurred_on", "id")[:2000])


def my_record(scope, month: date) -> dict:
    """The caller's own month: violations (all states), rewards, the appraisal row when computed."""
    from .present import appraisal_out, reward_out, violation_out

    vs = Violation.objects.filter(
        center=scope.center, staff=scope.staff, occurred_on__range=(month, _month_end(month))
    ).select_related("staff", "center")
    rewards = Reward.objects.filter(center=scope.center, staff=scope.staff, month=month).select_related("staff")
    period = AppraisalMonth.objects.filter(center=scope.center, month=month).first()
    row = Appraisal.objects.filter(period=period, staff=scope.staff).select_related("staff").first() if period else None
    return {
        "month": month,
        "violations": [violation_out(v) for v in vs.order_by("occurred_on", "id")],
        "rewards": [reward_out(r) for r in rewards],
        "appraisal": appraisal_out(row) if row else None,
        "final": bool(period and period.final),
    }


def published_rows(publication: FundPublication) -> list[dict]:
    """A publication's rows with their summaries rendered in the reader's language."""
    return [
        {**r, "text": str(Msg.from_data(r["description"])) if r.get("description") else r.get("purpose", "")}
        for r in publication.rows
    ]
