"""Use cases of the handover diary. Every write is one function here, inside one transaction.

Bad input raises RuleViolation (field + rule + Chinese message) and changes nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from kefu.errors import Conflict, NotAllowed, NotFound, RuleViolation
from kefu.messages import Msg
from kefu.org.models import Staff
from kefu.org.policy import policy_for
from kefu.org.roles import LEADS, roles_of
from kefu.roster.selectors import scheduled_intervals
from kefu.scope import scope_of
from kefu.shiftlog import rules
from kefu.shiftlog.machine import EDITABLE, HANDOVER, ISSUE, State
from kefu.shiftlog.models import Handover, HandoverEvent, Issue, Item, Line
from kefu.shiftlog.policy import SECTION
from kefu.workcal.selectors import shift_calendar

# Phone numbers belong in the encrypted customer field, not in free text that everybody reads.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_ORDER_ID = 2**63 - 1


# ---------------------------------------------------------------- policy helpers


def shiftlog_policy(center) -> dict:
    return policy_for(SECTION, center)


def shifts_of(center) -> list[rules.Shift]:
    """The center's shift calendar (kefu.workcal, the roster's templates too) in the diary's shape."""
    return [rules.Shift(t.code, t.name, t.start, t.end) for t in shift_calendar(center)]


def rostered_shift(center, staff: Staff, *, day: date) -> tuple[str, datetime, datetime] | None:
    """(code, start, end) of the staff's shift on a published roster that starts on `day`; None if not rostered."""
    tz = center_tz(center)
    for staff_no, start, end, code in scheduled_intervals(center, day, day + timedelta(days=1)):
        if staff_no == staff.staff_no and start.astimezone(tz).date() == day:
            return code, start, end
    return None


def likely_shift(staff: Staff, now: datetime) -> tuple[rules.Shift, date]:
    """The shift a diary written at `now` is most likely for: the writer's rostered shift (yesterday's or today's,
    the one ending nearest) when there is one, else the calendar's shift ending nearest (rules.shift_ending_near)."""
    center = staff.center
    tz = center_tz(center)
    shifts = shifts_of(center)
    by_code = {s.code: s for s in shifts}
    today = now.astimezone(tz).date()
    best = None
    for day in (today - timedelta(days=1), today):
        rostered = rostered_shift(center, staff, day=day)
        if rostered and rostered[0] in by_code and rostered[1] <= now:
            distance = (rostered[2] - now).total_seconds()
            score = -3 * distance if distance < 0 else distance  # as rules.shift_ending_near
            if best is None or score < best[0]:
                best = (score, by_code[rostered[0]], day)
    return (best[1], best[2]) if best else rules.shift_ending_near(shifts, now, tz)


def center_tz(center) -> ZoneInfo:
    return ZoneInfo(center.time_zone or "Asia/Shanghai")


def is_lead(staff: Staff) -> bool:
    return bool(roles_of(staff.user) & LEADS)


# ---------------------------------------------------------------- helpers


def _stored(label) -> str:
    """A choice label as written into the log: in the source language, whatever language the writer reads."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def log_event(handover: Handover, *, actor: Staff, code: str, params: dict | None = None, note: str = "") -> None:
    """One row of the handover's history: a message code with parameters (rendered when shown) and what was typed."""
    data = Msg(code, params or {}).as_data()["params"]
    HandoverEvent.objects.create(handover=handover, staff_no=actor.staff_no, code=code, params=data, note=note[:300])


def _check_version(handover: Handover, version: int | None) -> None:
    if version is None:
        raise RuleViolation("缺少版本号：请刷新后再提交", field="version", rule="required")
    if version != handover.version:
        raise Conflict("交接班日志已被他人修改，请刷新后重试", field="version", rule="version")


def _locked(handover_id: int, center) -> Handover:
    handover = Handover.objects.select_for_update().filter(pk=handover_id, center=center).first()
    if handover is None:
        raise NotFound("交接班日志", field="handover_id")
    return handover


def _plain(value, field: str, label: str) -> str:
    """Strings only, without control characters (NUL cannot even be stored by PostgreSQL)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RuleViolation(f"{label}应为文字", field=field, rule="type")
    if _CONTROL.search(value):
        raise RuleViolation(f"{label}含有不可见的控制字符", field=field, rule="control_char")
    return value


def _incoming(center, incoming_no: str | None, outgoing: Staff) -> Staff | None:
    incoming_no = _plain(incoming_no, "incoming_no", "接班人工号")
    if not incoming_no:
        return None
    person = Staff.objects.select_related("user").filter(center=center, staff_no=incoming_no.strip()).first()
    if person is None:
        raise RuleViolation(f"接班人工号 {incoming_no} 不存在", field="incoming_no", rule="not_found")
    if not person.is_active:
        raise RuleViolation(f"接班人工号 {incoming_no} 已离职或停用", field="incoming_no", rule="inactive")
    if person.pk == outgoing.pk:
        raise RuleViolation(
            "接班人不能是交班人本人：交接须当面履行", field="incoming_no", rule="self_handover"
        )  # 004:L661
    return person


def text_problem(value: str, label: str) -> Msg | None:
    """What is wrong with a typed text (control characters, a customer's phone number), or None. label: a Msg code."""
    if _CONTROL.search(value):
        return Msg("shiftlog.text.control_char", field_label=Msg(label))
    if _PHONE_IN_TEXT.search(value):
        return Msg("shiftlog.text.phone_in_text", field_label=Msg(label))
    return None


def _clean_text(value: str, field: str, label: str, max_length: int, *, required: bool = False) -> str:
    value = _plain(value, field, label).strip()
    if required and not value:
        raise RuleViolation(f"{label}必填", field=field, rule="required")
    if len(value) > max_length:
        raise RuleViolation(f"{label}不能超过{max_length}个字符", field=field, rule="max_length")
    if _PHONE_IN_TEXT.search(value):
        raise RuleViolation(
            f"{label}中不能写客户电话：请填在“客户电话”栏（加密保存，按权限脱敏显示）",
            field=field,
            rule="phone_in_text",
        )
    return value


def _resolve_order(center, order_ref: str, order_id: int | None) -> tuple[str, int | None]:
    """Link to the tickets app's order when it knows it (by serial number or id); no foreign key across apps.
    An id that names no order of this center is refused; an unknown serial number stays a free reference."""
    try:
        from kefu.tickets.models import Order
    except ImportError:  # the tickets app is optional for the diary
        return order_ref, order_id
    if order_id is not None:
        number = Order.objects.filter(center=center, pk=order_id).values_list("number", flat=True).first()
        if number is None:
            raise RuleViolation(f"工单ID {order_id} 在本中心不存在", field="order_id", rule="not_found")
        if order_ref and order_ref != number:
            raise RuleViolation(
                f"工单编号 {order_ref} 与工单ID {order_id}（{number}）不一致", field="order_ref", rule="mismatch"
            )
        return number, order_id
    if order_ref:
        found = Order.objects.filter(center=center, number=order_ref).values_list("pk", flat=True).first()
        return order_ref, found
    return order_ref, None


def _held_open_items(staff: Staff):
    return Item.objects.filter(holder=staff, closed_at__isnull=True)


# ---------------------------------------------------------------- handovers


@transaction.atomic
def start_handover(
    actor: Staff,
    *,
    shift_code: str,
    shift_date: date,
    incoming_no: str | None = None,
    equipment_state: str = "",
    notes: str = "",
) -> Handover:
    """The outgoing side opens the diary of the shift it is leaving; its open items are carried in."""
    center = actor.center
    policy = shiftlog_policy(center)
    shift = next((s for s in shifts_of(center) if s.code == shift_code), None)
    if shift is None:
        names = "、".join(f"{s.code}（{s.name}）" for s in shifts_of(center))
        raise RuleViolation(
            f"班次 {shift_code} 不在本中心的班次设置中（可选：{names}）", field="shift_code", rule="choice"
        )
    if not isinstance(shift_date, date):
        raise RuleViolation("班次日期必填（YYYY-MM-DD）", field="shift_date", rule="required")
    today = timezone.localdate(timezone.now(), center_tz(center))
    if not today - timedelta(days=policy["backfill_days"]) <= shift_date <= today + timedelta(days=1):
        raise RuleViolation(
            f"班次日期须在 {today - timedelta(days=policy['backfill_days'])} 至 {today + timedelta(days=1)} 之间"
            "（交班日记在下班前填写）",
            field="shift_date",
            rule="date_range",
        )  # 004:L663
    incoming = _incoming(center, incoming_no, actor)
    equipment_state = _clean_text(equipment_state, "equipment_state", "设备/系统情况", 2000)
    notes = _clean_text(notes, "notes", "其他交代事项", 4000)
    start, end = rules.shift_window(shift, shift_date, center_tz(center))
    rostered = rostered_shift(center, actor, day=shift_date)
    if rostered is not None:  # the diary's deadline follows the shift the agent is rostered on (issue 13)
        code, start, end = rostered
        if code != shift.code:
            tz = center_tz(center)
            names = {s.code: s.name for s in shifts_of(center)}
            raise RuleViolation.of(
                "shiftlog.not_rostered_shift",
                field="shift_code",
                day=shift_date,
                shift=gettext_lazy(names.get(code, code)),  # a preset's name reads in English
                start=f"{start.astimezone(tz):%H:%M}",
                end=f"{end.astimezone(tz):%H:%M}",
            )
    due = rules.deadlines(end, policy["sign_out_grace_minutes"], policy["countersign_grace_minutes"])
    if Handover.objects.filter(outgoing=actor, shift_date=shift_date, shift_code=shift_code).exists():
        raise Conflict(f"您已填写 {shift_date} {shift.name} 的交接班日志", field="shift_code", rule="duplicate")
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                center=center,
                shift_code=shift.code,
                shift_name=shift.name,
                shift_date=shift_date,
                shift_start=start,
                shift_end=end,
                sign_out_due=due.sign_out_due,
                countersign_due=due.countersign_due,
                outgoing=actor,
                incoming=incoming,
                equipment_state=equipment_state,
                notes=notes,
            )
    except IntegrityError:
        raise Conflict(
            f"您已填写 {shift_date} {shift.name} 的交接班日志", field="shift_code", rule="duplicate"
        ) from None
    carried = list(_held_open_items(actor))
    Line.objects.bulk_create([Line(handover=handover, item=item, carried=True) for item in carried])
    if carried:
        log_event(handover, actor=actor, code="shiftlog.event.created_carried", params={"count": len(carried)})
    else:
        log_event(handover, actor=actor, code="shiftlog.event.created")
    return handover


@transaction.atomic
def update_handover(
    actor: Staff,
    handover_id: int,
    *,
    version: int,
    incoming_no: str | None = None,
    equipment_state: str | None = None,
    notes: str | None = None,
) -> Handover:
    handover = _locked(handover_id, actor.center)
    _must_edit(actor, handover)
    _check_version(handover, version)
    if incoming_no is not None:
        handover.incoming = _incoming(actor.center, incoming_no, actor)
    if equipment_state is not None:
        handover.equipment_state = _clean_text(equipment_state, "equipment_state", "设备/系统情况", 2000)
    if notes is not None:
        handover.notes = _clean_text(notes, "notes", "其他交代事项", 4000)
    handover.version += 1
    handover.save()
    log_event(handover, actor=actor, code="shiftlog.event.edited")
    return handover


def _must_edit(actor: Staff, handover: Handover) -> None:
    if handover.outgoing_id != actor.pk:
        raise NotAllowed("只有交班人本人可以填写交班日记", rule="not_outgoing")
    if handover.state not in EDITABLE:
        raise Conflict(
            Msg("shiftlog.handover.signed", state=HANDOVER.state_label(handover.state)), field="state", rule="signed"
        )


@transaction.atomic
def add_item(
    actor: Staff,
    handover_id: int,
    *,
    kind: str,
    text: str,
    order_ref: str = "",
    order_id: int | None = None,
    customer_phone: str = "",
    customer_name: str = "",
    due_at: datetime | None = None,
    during_handover: bool = False,
) -> Item:
    handover = _locked(handover_id, actor.center)
    _must_edit(actor, handover)
    if kind not in Item.Kind.values:
        choices = "、".join(f"{v}（{label}）" for v, label in Item.Kind.choices)
        raise RuleViolation(f"事项类别不正确：{kind}（可选：{choices}）", field="kind", rule="choice")
    text = _clean_text(text, "text", "事项说明", 500, required=True)
    order_ref = _plain(order_ref, "order_ref", "工单编号").strip()
    customer_phone = _plain(customer_phone, "customer_phone", "客户电话").strip()
    customer_name = _plain(customer_name, "customer_name", "客户姓名").strip()
    if len(order_ref) > 40:
        raise RuleViolation("工单编号不能超过40个字符", field="order_ref", rule="max_length")
    if order_id is not None and (
        isinstance(order_id, bool) or not isinstance(order_id, int) or not 0 < order_id <= _MAX_ORDER_ID
    ):
        raise RuleViolation("工单ID应为正整数", field="order_id", rule="positive")
    order_ref, order_id = _resolve_order(actor.center, order_ref, order_id)
    if kind == Item.Kind.ORDER and not (order_ref or order_id):
        raise RuleViolation("在办工单须填写工单编号或工单ID", field="order_ref", rule="order_required")
    if kind in (Item.Kind.CALLBACK, Item.Kind.PROSPECT) and not customer_phone:
        raise RuleViolation(
            f"{_stored(Item.Kind(kind).label)}须填写客户电话", field="customer_phone", rule="customer_required"
        )
    if due_at is not None and not (
        isinstance(due_at, datetime) and due_at.tzinfo is not None and 2000 <= due_at.year <= 2100
    ):
        raise RuleViolation("处理期限应为带时区的日期时间（2000–2100 年）", field="due_at", rule="datetime_range")
    if kind == Item.Kind.CALLBACK and due_at is None:
        raise RuleViolation("待回电须填写回电期限", field="due_at", rule="due_required")
    customer = None
    if customer_phone:
        from kefu.customers.services import upsert_customer

        customer = upsert_customer(actor.center, phone=customer_phone, name=(customer_name or "").strip())
    item = Item.objects.create(
        center=actor.center,
        kind=kind,
        text=text,
        order_ref=order_ref,
        order_id=order_id,
        customer=customer,
        due_at=due_at,
        during_handover=bool(during_handover),
        holder=actor,
        origin=handover,
        created_by=actor,
    )
    Line.objects.create(handover=handover, item=item, carried=False)
    handover.version += 1
    handover.save(update_fields=["version", "updated_at"])
    log_event(
        handover,
        actor=actor,
        code="shiftlog.event.item_added",
        params={"kind": Msg(f"shiftlog.item.kind.{item.kind}")},
        note=text[:60],
    )
    return item


@transaction.atomic
def close_item(actor: Staff, item_id: int, *, note: str, now: datetime | None = None) -> Item:
    """Close an open item: its holder, or a team lead / supervisor / manager. Who and when are kept."""
    item = Item.objects.select_for_update().filter(pk=item_id, center=actor.center).first()
    if item is None:
        raise NotFound("交接事项", field="item_id")
    if item.closed_at is not None:
        raise Conflict(
            f"该事项已于 {timezone.localtime(item.closed_at):%Y-%m-%d %H:%M} 关闭", field="item_id", rule="closed"
        )
    if item.holder_id != actor.pk and not is_lead(actor):
        raise NotAllowed("只有事项当前负责人或班长、值班长可以关闭该事项", rule="not_holder")
    note = _clean_text(note, "note", "处理结果", 300, required=True)
    item.closed_at = now or timezone.now()
    item.closed_by = actor
    item.close_note = note
    item.save(update_fields=["closed_at", "closed_by", "close_note"])
    for handover in Handover.objects.filter(lines__item=item, state=State.DRAFT).select_for_update():
        log_event(
            handover, actor=actor, code="shiftlog.event.item_closed", params={"item": item.text[:40]}, note=note[:60]
        )
    return item


def transition(
    actor: Staff, handover_id: int, *, name: str, version: int | None, reason: str = "", now: datetime | None = None
) -> Handover:
    """Fire one transition of the handover's machine (machine.HANDOVER) as `actor` (kefu.workflow.fire): the party,
    the state, the version, the fields, the guard, the effect, the history and the audit record in one transaction."""
    from kefu.workflow import fire

    HANDOVER.get(name)  # an unknown name is refused before anything is read
    if version is None:
        raise RuleViolation.of("shiftlog.handover.version_required", field="version")
    handover = Handover.objects.filter(pk=handover_id, center=actor.center).first()
    if handover is None:
        raise NotFound("交接班日志", field="handover_id")
    fields = {"reason": reason} if name == "return" or reason else {}
    return fire(HANDOVER, scope_of(actor), handover, name, version=version, now=now, **fields)


def sign_out_problems(handover: Handover):
    """What keeps the outgoing side from signing (every problem at once), or None."""
    policy = shiftlog_policy(handover.center)
    problems = []
    if handover.incoming_id is None:
        problems.append(("incoming_no", "incoming_required", "须先填写接班人工号：接班人未到，交班人不得离台"))
    if policy["require_equipment_state"] and not handover.equipment_state.strip():
        problems.append(("equipment_state", "equipment_required", "须填写设备/系统情况：交接日志要对设备情况记录清楚"))
    lines = handover.lines.select_related("item")
    if not lines.exists() and not handover.notes.strip() and not handover.equipment_state.strip():
        problems.append(("notes", "empty", "交班日记为空：请登记交接事项或填写交代事项"))
    pending = [line.item for line in lines if line.item.during_handover and line.item.closed_at is None]
    if pending:
        texts = "；".join(i.text[:30] for i in pending)
        problems.append(
            ("items", "handover_problem_open", f"交接过程中发生的问题须由交班人处理告一段落后再交接：{texts}")
        )
    if problems:
        from kefu.errors import Problem

        raise RuleViolation.many([Problem(f, r, m) for f, r, m in problems])
    return None


def hand_items_to(handover: Handover, incoming: Staff) -> None:
    """After the countersign the incoming side holds every open item of the diary, and any draft it has
    already opened receives them too (carried over until closed)."""
    open_ids = list(handover.lines.filter(item__closed_at__isnull=True).values_list("item_id", flat=True))
    Item.objects.filter(pk__in=open_ids).update(holder=incoming)
    for draft in Handover.objects.filter(outgoing=incoming, state=State.DRAFT).exclude(pk=handover.pk):
        have = set(draft.lines.values_list("item_id", flat=True))
        Line.objects.bulk_create([Line(handover=draft, item_id=i, carried=True) for i in open_ids if i not in have])


# ---------------------------------------------------------------- omissions and mis-receipts (004:L669)


@transaction.atomic
def report_issue(actor: Staff, handover_id: int, *, kind: str, description: str) -> Issue:
    """Record an omission (漏交), a wrong handover (错交) or a mis-receipt (错接); the liable side is the rule's."""
    handover = _locked(handover_id, actor.center)
    if kind not in [k.value for k in rules.IssueKind]:
        choices = "、".join(f"{k.value}（{rules.ISSUE_LABELS[k]}）" for k in rules.IssueKind)
        raise RuleViolation(f"责任类型不正确：{kind}（可选：{choices}）", field="kind", rule="choice")
    kind = rules.IssueKind(kind)
    if handover.state == State.DRAFT:
        raise Conflict("交接班日志尚未签字，不能认定漏交、错交或错接", field="state", rule="state")
    if kind == rules.IssueKind.MIS_RECEIPT and handover.state != State.COUNTERSIGNED:
        raise Conflict("接班人尚未签字确认，不能认定错接", field="kind", rule="state")
    if actor.pk not in (handover.outgoing_id, handover.incoming_id) and not is_lead(actor):
        raise NotAllowed("只有交接双方或班长、值班长可以登记交接责任", rule="not_party")
    description = _clean_text(description, "description", "情况说明", 500, required=True)
    side = rules.responsible_side(kind)
    responsible_id = handover.outgoing_id if side == rules.Side.OUTGOING else handover.incoming_id
    issue = Issue.objects.create(
        handover=handover,
        kind=kind,
        description=description,
        side=side,
        responsible_id=responsible_id,
        reported_by=actor,
    )
    log_event(
        handover,
        actor=actor,
        code="shiftlog.event.issue_reported",
        params={"kind": Msg(f"shiftlog.issue.kind.{kind.value}")},
        note=description[:100],
    )
    return issue


def _issue(actor: Staff, issue_id: int) -> Issue:
    issue = Issue.objects.select_related("handover").filter(pk=issue_id, handover__center=actor.center).first()
    if issue is None:
        raise NotFound("交接责任记录", field="issue_id")
    return issue


def dispute_issue(actor: Staff, issue_id: int, *, reason: str, version: int | None = None) -> Issue:
    """The liable person disputes the record (machine.ISSUE)."""
    from kefu.workflow import fire

    return fire(ISSUE, scope_of(actor), _issue(actor, issue_id), "dispute", version=version, reason=reason)


def decide_issue(
    actor: Staff, issue_id: int, *, upheld: bool, note: str, now: datetime | None = None, version: int | None = None
) -> Issue:
    """A lead who is not the liable person upholds or dismisses the record (machine.ISSUE)."""
    from kefu.workflow import fire

    if not isinstance(upheld, bool):
        raise RuleViolation.of("shiftlog.issue.decision_choice", field="upheld")
    return fire(
        ISSUE,
        scope_of(actor),
        _issue(actor, issue_id),
        "uphold" if upheld else "dismiss",
        now=now,
        version=version,
        note=note,
    )
