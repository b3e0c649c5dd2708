"""交接班 API: thin — parse, call services/selectors, present."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from kefu.access import op
from kefu.errors import NotAllowed, NotFound
from kefu.shiftlog import present, selectors, services
from kefu.shiftlog.rules import FLAG_LABELS

router = Router(tags=["交接班 shiftlog"])


def _staff(request):
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise NotAllowed("当前账号没有对应的员工档案", rule="no_staff")
    return staff


class ShiftOut(Schema):
    code: str
    name: str
    start: str
    end: str


class ItemOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    order_ref: str
    order_id: int | None
    customer_id: int | None
    customer_phone: str
    customer_name: str
    due_at: datetime | None
    during_handover: bool
    holder_no: str
    origin_id: int
    created_at: datetime
    closed_at: datetime | None
    closed_by_no: str
    close_note: str
    carried: bool | None = None


class IssueOut(Schema):
    id: int
    handover_id: int
    kind: str
    kind_label: str
    description: str
    side: str
    side_label: str
    responsible_no: str
    reported_by_no: str
    reported_at: datetime
    status: str
    status_label: str
    dispute_reason: str
    decided_by_no: str
    decided_at: datetime | None
    decision_note: str
    version: int
    actions: list[str] = Field(
        [], description="调用者现在可执行的操作（dispute / uphold / dismiss），仅在交接班日志详情中给出"
    )


class HandoverEventOut(Schema):
    at: datetime
    staff_no: str
    code: str = Field(
        "", description="消息代码（如 shiftlog.handover.transition.sign_out）；name 为按读者语言显示的名称"
    )
    name: str
    note: str


class HandoverOut(Schema):
    id: int
    shift_code: str
    shift_name: str
    shift_date: date
    shift_start: datetime
    shift_end: datetime
    sign_out_due: datetime
    countersign_due: datetime
    outgoing_no: str
    incoming_no: str
    state: str
    state_label: str
    equipment_state: str
    notes: str
    signed_out_at: datetime | None
    signed_out_no: str
    countersigned_at: datetime | None
    countersigned_no: str
    return_reason: str
    version: int
    flags: list[str]
    flag_labels: list[str]
    actions: list[str]
    items: list[ItemOut]
    issues: list[IssueOut]
    events: list[HandoverEventOut]


class HandoverRow(Schema):
    id: int
    shift_date: date
    shift_name: str
    outgoing_no: str
    incoming_no: str
    state: str
    sign_out_due: datetime
    countersign_due: datetime
    signed_out_at: datetime | None
    countersigned_at: datetime | None
    flags: list[str] = []
    flag_labels: list[str] = []


class MineOut(Schema):
    drafts: list[HandoverRow]
    signed: list[HandoverRow]
    to_countersign: list[HandoverRow]
    open_items: list[ItemOut]


class SupervisionOut(Schema):
    late_or_unsigned: list[HandoverRow]
    open_issues: list[IssueOut]


class StartIn(Schema):
    shift_code: str = Field(..., max_length=20)
    shift_date: date
    incoming_no: str | None = Field(None, max_length=20)
    equipment_state: str = ""
    notes: str = ""


class UpdateIn(Schema):
    version: int
    incoming_no: str | None = Field(None, max_length=20)
    equipment_state: str | None = None
    notes: str | None = None


class ItemIn(Schema):
    kind: str
    text: str
    order_ref: str = ""
    order_id: int | None = None
    customer_phone: str = ""
    customer_name: str = ""
    due_at: datetime | None = None
    during_handover: bool = False


class CloseIn(Schema):
    note: str


class HandoverTransitionIn(Schema):
    name: str
    version: int
    reason: str = ""


class IssueIn(Schema):
    kind: str
    description: str


class DisputeIn(Schema):
    reason: str
    version: int | None = Field(None, description="责任记录的版本号；给出时与当前版本不一致则 409")


class HandoverDecisionIn(Schema):
    upheld: bool
    note: str
    version: int | None = None


def _row(handover, flags=()) -> dict:
    return {
        "id": handover.id,
        "shift_date": handover.shift_date,
        "shift_name": handover.shift_name,
        "outgoing_no": handover.outgoing.staff_no,
        "incoming_no": handover.incoming.staff_no if handover.incoming_id else "",
        "state": handover.state,
        "sign_out_due": handover.sign_out_due,
        "countersign_due": handover.countersign_due,
        "signed_out_at": handover.signed_out_at,
        "countersigned_at": handover.countersigned_at,
        "flags": [f.value for f in flags],
        "flag_labels": [FLAG_LABELS[f] for f in flags],
    }


def _detail(request, handover_id: int, unmask: bool = False) -> dict:
    staff = _staff(request)
    handover = selectors.get_handover(staff.center, handover_id)
    if handover is None:
        raise NotFound("交接班日志", field="handover_id")
    return present.handover_dict(request, staff, handover, unmask=unmask)


@op(router.get, "/shifts", "shiftlog.shifts", response=list[ShiftOut])
def shifts(request):
    return [s.__dict__ for s in services.shifts_of(_staff(request).center)]


@op(router.get, "/handovers/mine", "shiftlog.mine", response=MineOut)
def mine(request, unmask: bool = False):
    staff = _staff(request)
    data = selectors.mine(staff)
    now = timezone.now()
    unmasked = present.wants_unmask(request, unmask)
    items = [present.item_dict(i, unmasked) for i in data.open_items]
    present.audit_customers(request, items, unmasked, "我的未结交接事项")
    return {
        "drafts": [_row(h, selectors.flags_of(h, now)) for h in data.drafts],
        "signed": [_row(h, selectors.flags_of(h, now)) for h in data.signed],
        "to_countersign": [_row(h, selectors.flags_of(h, now)) for h in data.to_countersign],
        "open_items": items,
    }


@op(router.get, "/handovers/{handover_id}", "shiftlog.get", response=HandoverOut)
def get(request, handover_id: int, unmask: bool = False):
    return _detail(request, handover_id, unmask)


@op(router.post, "/handovers", "shiftlog.start", response={201: HandoverOut})
def start(request, payload: StartIn):
    handover = services.start_handover(_staff(request), **payload.dict())
    return Status(201, _detail(request, handover.pk))


@op(router.patch, "/handovers/{handover_id}", "shiftlog.update", response=HandoverOut)
def update(request, handover_id: int, payload: UpdateIn):
    services.update_handover(_staff(request), handover_id, **payload.dict())
    return _detail(request, handover_id)


@op(router.post, "/handovers/{handover_id}/items", "shiftlog.add_item", response={201: ItemOut})
def add_item(request, handover_id: int, payload: ItemIn):
    item = services.add_item(_staff(request), handover_id, **payload.dict())
    data = present.item_dict(item, False, False)
    present.audit_customers(request, [data], False, f"交接班日志 {handover_id}")
    return Status(201, data)


@op(router.post, "/items/{item_id}/close", "shiftlog.close_item", response=ItemOut)
def close_item(request, item_id: int, payload: CloseIn):
    item = services.close_item(_staff(request), item_id, note=payload.note)
    data = present.item_dict(item, False)
    present.audit_customers(request, [data], False, "关闭交接事项")
    return data


@op(router.post, "/handovers/{handover_id}/transitions", "shiftlog.transition", response=HandoverOut)
def transition(request, handover_id: int, payload: HandoverTransitionIn):
    services.transition(_staff(request), handover_id, name=payload.name, version=payload.version, reason=payload.reason)
    return _detail(request, handover_id)


@op(router.post, "/handovers/{handover_id}/issues", "shiftlog.report_issue", response={201: IssueOut})
def report_issue(request, handover_id: int, payload: IssueIn):
    issue = services.report_issue(_staff(request), handover_id, kind=payload.kind, description=payload.description)
    return Status(201, present.issue_dict(issue))


@op(router.post, "/issues/{issue_id}/dispute", "shiftlog.dispute_issue", response=IssueOut)
def dispute_issue(request, issue_id: int, payload: DisputeIn):
    return present.issue_dict(
        services.dispute_issue(_staff(request), issue_id, reason=payload.reason, version=payload.version)
    )


@op(router.post, "/issues/{issue_id}/decision", "shiftlog.decide_issue", response=IssueOut)
def decide_issue(request, issue_id: int, payload: HandoverDecisionIn):
    return present.issue_dict(
        services.decide_issue(
            _staff(request), issue_id, upheld=payload.upheld, note=payload.note, version=payload.version
        )
    )


@op(router.get, "/supervision", "shiftlog.supervise", response=SupervisionOut)
def supervise(request, days: int = 14):
    staff = _staff(request)
    rows = selectors.late_or_unsigned(staff.center, days=max(1, min(days, 92)))
    return {
        "late_or_unsigned": [_row(h, flags) for h, flags in rows],
        "open_issues": [
            present.issue_dict(i) for i in selectors.issues(staff.center).filter(status__in=["open", "disputed"])
        ],
    }


@op(router.get, "/items/open", "shiftlog.open_items", response=list[ItemOut])
def open_items(request, unmask: bool = False):
    staff = _staff(request)
    unmasked = present.wants_unmask(request, unmask)
    items = [present.item_dict(i, unmasked) for i in selectors.open_items(staff.center)[:500]]
    present.audit_customers(request, items, unmasked, "未结交接事项")
    return items
