"""One workflow kernel for every state machine: transitions declared once, one `fire()` that moves them.

    # discipline/machine.py
    APPEAL = Transition("appeal", src={RECORDED}, dst=APPEALED, parties={Party.SUBJECT}, requires=("reason",),
                        guard=within_appeal_window, seed="002:L498")
    MACHINE = Machine("discipline.violation", transitions=[RECORD, APPEAL, ...], fields=FIELDS,
                      party_of=parties, history=write_history)

    fire(MACHINE, scope, violation, "appeal", version=3, reason="...")

`fire` locks the row (SELECT ... FOR UPDATE; SQLite serialises writers anyway) together with the other rows the
transition declares (`locks`), all in ascending primary-key order, checks the version, the state, the caller's role
and party, cleans the fields (required, allowed, length, choices), runs the guard, writes the new
state and the transition's effect, the history row (code + parameters, through the machine's `history`) and the
audit record, all in one transaction, then schedules the machine's timers after the commit. Every problem is a
`Msg` (code + parameters) rendered in the reader's language at the edge. Adding a transition is one entry in a
machine's list (docs/workflows.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.errors import Conflict, NotAllowed, Problem, RuleViolation
from kefu.messages import Msg
from kefu.org.roles import Role

# A transition whose `dst` is STAY leaves the object in the state it was in (taking an order at any step of a desk,
# splitting one): its src may then list several states, each of which it keeps.
STAY = ""


class Party(StrEnum):
    """Who the caller is to this object, beyond their role (a machine's `party_of` says which apply)."""

    ANYONE = "anyone"  # any holder of the transition's roles
    SUBJECT = "subject"  # the person the object is about (the agent of a violation, the applicant of a leave)
    OWNER = "owner"  # the person responsible for it now (an order's department handler, a task's owner)
    DEPARTMENT = "department"  # a member of the object's current department
    NOT_REQUESTER = "not_requester"  # anyone but the person who asked (approvals: nobody approves their own)


@dataclass(frozen=True)
class FieldSpec:
    """A transition field: its label (a Msg code), a kind and a limit (max length for text, choices for a choice)."""

    label: str
    kind: str = "text"  # text | bool | choice | int | decimal | datetime | date | any
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    # Values that need the object or the time to be read (a department of the object's center, a future date-time,
    # a level): parse(obj, value, now) returns the cleaned value, or a Msg/Problem saying what is wrong with it.
    parse: Callable[[Any, Any, datetime], Any] | None = None


@dataclass(frozen=True)
class Transition:
    name: str
    src: frozenset[str]
    dst: str
    roles: frozenset[Role] = frozenset()  # empty: any role (the parties decide)
    parties: frozenset[Party] = frozenset({Party.ANYONE})  # the caller must be one of these
    requires: tuple[str, ...] = ()
    allows: tuple[str, ...] = ()
    variants: frozenset[str] = frozenset()  # the object variants it applies to (machine.variant_of); empty: all
    guard: Callable[[Context], Msg | Problem | None] | None = None
    # A condition on the object alone (its kind, a flag), checked before the fields: a transition whose precondition
    # fails is not offered by `available` and refused by `fire` with the returned Msg/Problem (409).
    precondition: Callable[[Any, datetime], Msg | Problem | None] | None = None
    effect: Callable[[Context], None] | None = None
    # Other rows the transition writes or relies on (the survivor of a merge): locks(scope, obj, raw) names them from
    # the submitted fields, as model instances or primary keys of the object's model, before anything is read. `fire`
    # locks them with the object in one fixed order (table, then ascending primary key), so two transitions touching
    # the same two rows from opposite ends wait for each other instead of deadlocking. `obj` may be an unsaved
    # stand-in (only its pk) and `raw` is not cleaned yet: name what the fields point at, check nothing.
    locks: Callable[[Any, Any, Mapping[str, Any]], Iterable[Any]] | None = None
    label: str = ""  # a Msg code; default "<machine>.transition.<name>"
    seed: str = ""

    def __post_init__(self):
        object.__setattr__(self, "src", frozenset({self.src} if isinstance(self.src, str) else self.src))
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "parties", frozenset(self.parties))
        object.__setattr__(self, "variants", frozenset(self.variants))

    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.requires + self.allows))


@dataclass
class Context:
    """What a guard and an effect see: the locked object, the caller, the cleaned fields and the time."""

    machine: Machine
    transition: Transition
    scope: Any
    obj: Any
    fields: dict
    now: datetime
    before: str
    history_params: dict = field(default_factory=dict)  # an effect may add parameters to the history row
    after_commit: list[Callable[[], None]] = field(default_factory=list)  # an effect may add timers


@dataclass(frozen=True)
class Machine:
    name: str  # "<app>.<thing>", also the prefix of its labels: "<name>.state.<s>", "<name>.transition.<t>"
    transitions: tuple[Transition, ...]
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    state_attr: str = "state"
    version_attr: str | None = "version"
    party_of: Callable[[Any, Any], set[Party]] = lambda scope, obj: set()
    history: Callable[[Context], None] | None = None  # writes the history row (code + params)
    audit_type: str = ""  # the audit record's object type; empty: no audit record
    center_of: Callable[[Any], int] = lambda obj: obj.center_id
    # Reads and locks the row: load(scope, obj) -> the locked object, or None when the caller may not see it (404).
    # Default: SELECT ... FOR UPDATE by primary key; another center's object is refused.
    load: Callable[[Any, Any], Any] | None = None
    # Variants of one machine (an order's kind): variant_of(obj) names it, a transition's `variants` limit it; refused
    # with `variant_code` (params: action, variant = the label "<variant_labels>.<variant>").
    variant_of: Callable[[Any], str] | None = None
    variant_labels: str = ""
    variant_code: str = "workflow.not_for_variant"
    noun: str = ""  # a Msg code naming the object ("工单"), used by the not-found message
    required_code: str = "common.required"  # the message of a missing field (params: field_label, action)
    # Who a party is on this machine, as Msg codes: "<transition>.<party>" or "<party>" -> code; default
    # "workflow.party.<party>" ("负责人"). Read by the wrong-party message ("only the inspector of this evaluation").
    party_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "transitions", tuple(self.transitions))
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise RuntimeError(f"{self.name}: 转换名称重复")
        for t in self.transitions:
            unknown = set(t.fields()) - set(self.fields)
            if unknown:
                raise RuntimeError(f"{self.name}.{t.name}: 未声明的字段 {sorted(unknown)}")

    def get(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise RuleViolation.of("workflow.unknown_transition", field="transition", name=name)

    def state_label(self, state: str) -> Msg:
        return Msg(f"{self.name}.state.{state}")

    def transition_label(self, t: Transition) -> Msg:
        return Msg(t.label or f"{self.name}.transition.{t.name}")

    def party_label(self, t: Transition, party: Party) -> Msg:
        return Msg(
            self.party_labels.get(f"{t.name}.{party}") or self.party_labels.get(party) or f"workflow.party.{party}"
        )

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.src]

    def applies(self, t: Transition, obj) -> bool:
        return not t.variants or self.variant_of is None or self.variant_of(obj) in t.variants


def may_fire(machine: Machine, scope, obj, t: Transition) -> bool:
    """Role and party only (what a page uses to offer a button); fire() also checks the state, fields and guard."""
    if t.roles and not (scope.roles & t.roles):
        return False
    return Party.ANYONE in t.parties or bool(machine.party_of(scope, obj) & t.parties)


def available(machine: Machine, scope, obj, now: datetime | None = None) -> list[Transition]:
    """The transitions this caller may fire on this object in its current state (preconditions met)."""
    state = getattr(obj, machine.state_attr)
    now = now or timezone.now()
    return [
        t
        for t in machine.from_state(state)
        if machine.applies(t, obj)
        and may_fire(machine, scope, obj, t)
        and (t.precondition is None or t.precondition(obj, now) is None)
    ]


def _problem(found: Msg | Problem, field: str | None = None) -> Problem:
    return found if isinstance(found, Problem) else Problem(field, found.code, found)


def clean(machine: Machine, t: Transition, raw: Mapping[str, Any], obj=None, now: datetime | None = None) -> dict:
    """The transition's fields, checked: unknown, missing, too long, not a choice. All problems at once."""
    problems: list[Problem] = []
    action = machine.transition_label(t)
    allowed = set(t.fields())
    for name in raw:
        if name not in allowed:
            problems.append(Problem.of("workflow.unexpected_field", field=name, action=action, field_name=name))
    cleaned: dict = {}
    for name in t.fields():
        spec = machine.fields[name]
        value = raw.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "") or (spec.kind == "bool" and value is None):
            if name in t.requires:
                problems.append(
                    Problem.of(machine.required_code, field=name, field_label=Msg(spec.label), action=action)
                )
            continue
        label = Msg(spec.label)
        if spec.kind == "text" and not isinstance(value, str):
            problems.append(Problem.of("common.not_text", field=name, field_label=label))
            continue
        if spec.kind == "text" and spec.max_length and len(value) > spec.max_length:
            problems.append(
                Problem.of("common.too_long", field=name, field_label=label, max=spec.max_length, length=len(value))
            )
            continue
        if spec.kind == "choice" and spec.choices and value not in spec.choices:
            problems.append(Problem.of("common.not_a_choice", field=name, field_label=label, value=value))
            continue
        if spec.parse is not None:
            try:
                value = spec.parse(obj, value, now or timezone.now())
            except RuleViolation as exc:
                problems.extend(exc.problems)
                continue
            if isinstance(value, Msg | Problem):
                problems.append(_problem(value, name))
                continue
        cleaned[name] = value
    if problems:
        raise RuleViolation.many(problems)
    return cleaned


def fire(
    machine: Machine, scope, obj, name: str, *, version: int | None = None, now: datetime | None = None, **raw
) -> Any:
    """Move `obj` by transition `name` as `scope`'s caller. Returns the saved object (a fresh, locked copy)."""
    t = machine.get(name)
    now = now or timezone.now()
    action = machine.transition_label(t)
    model = type(obj)
    with transaction.atomic():
        if t.locks is not None:
            lock_rows(obj, t.locks(scope, obj, raw))
        if machine.load is not None:
            locked = machine.load(scope, obj)
            if locked is None:
                raise RuleViolation(
                    Msg("common.not_found", what=Msg(machine.noun) if machine.noun else action),
                    rule="not_found",
                    status=404,
                )
        else:
            locked = model.objects.select_for_update().get(pk=obj.pk)
        if machine.center_of(locked) != scope.center.pk:
            raise NotAllowed(Msg("scope.other_center", what=action), rule="scope.other_center")
        if machine.version_attr and version is not None:
            current = getattr(locked, machine.version_attr)
            if int(version) != current:
                raise Conflict(
                    Msg("workflow.version_conflict", current=current, given=version),
                    field="version",
                    rule="workflow.version_conflict",
                )
        before = getattr(locked, machine.state_attr)
        if before not in t.src:
            raise RuleViolation.of(
                "workflow.wrong_state", field="transition", status=409, action=action, state=machine.state_label(before)
            )
        if t.roles and not (scope.roles & t.roles):
            raise NotAllowed(Msg("workflow.not_your_role", action=action), rule="workflow.not_your_role")
        if Party.ANYONE not in t.parties and not (machine.party_of(scope, locked) & t.parties):
            if t.parties == {Party.NOT_REQUESTER}:
                raise NotAllowed(Msg("workflow.own_request", action=action), rule="workflow.own_request")
            parties = [machine.party_label(t, p) for p in sorted(t.parties)]
            raise NotAllowed(
                Msg("workflow.not_your_party", action=action, parties=parties), rule="workflow.not_your_party"
            )
        if not machine.applies(t, locked):
            variant = machine.variant_of(locked)
            raise RuleViolation.of(
                machine.variant_code,
                field="transition",
                status=409,
                action=action,
                variant=Msg(f"{machine.variant_labels or machine.name + '.variant'}.{variant}"),
            )
        if t.precondition is not None:
            problem = t.precondition(locked, now)
            if problem is not None:
                raise RuleViolation.many([_problem(problem, "transition")], status=409)
        ctx = Context(machine, t, scope, locked, clean(machine, t, raw, locked, now), now, before)
        if t.guard is not None:
            problem = t.guard(ctx)
            if problem is not None:
                raise RuleViolation.many([_problem(problem)])
        setattr(locked, machine.state_attr, t.dst or before)
        if machine.version_attr:
            setattr(locked, machine.version_attr, getattr(locked, machine.version_attr) + 1)
        if t.effect is not None:
            t.effect(ctx)
        locked.save()
        if machine.history is not None:
            machine.history(ctx)
        if machine.audit_type:
            _audit(machine, t, scope, locked, ctx)
        for job in ctx.after_commit:
            transaction.on_commit(job)
    return locked


def lock_rows(obj, others: Iterable[Any]) -> None:
    """Lock `obj` and `others` (instances, or primary keys of obj's model) in one fixed order, table by table in name
    order, ascending primary key within a table: SELECT ... ORDER BY pk FOR UPDATE locks the rows in the order it
    returns them, on PostgreSQL. On SQLite the statement locks nothing: the transaction began IMMEDIATE
    (kefu/settings.py), so it already holds the database's write lock and writers run one at a time. Rows that do not
    exist are skipped (the transition's fields then say what is wrong)."""
    wanted: dict[type, set] = {type(obj): {obj.pk}}
    for other in others:
        if other is None:
            continue
        if hasattr(other, "_meta"):
            model, pk = type(other), other.pk
        else:
            model, pk = type(obj), other
        if pk is not None:
            wanted.setdefault(model, set()).add(pk)
    for model in sorted(wanted, key=lambda m: m._meta.db_table):
        list(model.objects.select_for_update().filter(pk__in=wanted[model]).order_by("pk").values_list("pk", flat=True))


def _audit(machine: Machine, t: Transition, scope, obj, ctx: Context) -> None:
    from kefu.audit.models import AuditRecord
    from kefu.audit.services import record

    record(
        getattr(scope, "request", None),
        AuditRecord.Action.WRITE,
        object_type=machine.audit_type,
        ids=[obj.pk],
        fields=",".join(sorted(ctx.fields)),
        note=f"{machine.name}.{t.name}",
        channel=AuditRecord.Channel.SYSTEM,
        user=scope.user,
    )


def check_declared(machines: Iterable[Machine], catalogue: Mapping[str, str]) -> list[str]:
    """Labels a machine needs that the message catalogue lacks (used by kefu/tests/test_workflow.py)."""
    missing = []
    for m in machines:
        states = {s for t in m.transitions for s in (*t.src, t.dst) if s != STAY}
        codes = [f"{m.name}.state.{s}" for s in states] + [
            t.label or f"{m.name}.transition.{t.name}" for t in m.transitions
        ]
        codes += [spec.label for spec in m.fields.values()] + list(m.party_labels.values())
        missing += [c for c in codes if c not in catalogue]
    return missing
