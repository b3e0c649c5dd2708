from __future__ import annotations

from datetime import date, datetime

from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from kefu.access import op
from kefu.attendance import services
from kefu.attendance.models import AttendanceSheet, LeaveRequest
from kefu.errors import NotFound, RuleViolation
from kefu.org.models import Staff
from kefu.org.roles import Role, roles_of
from kefu.web.inputs import parse_month

router = Router(tags=["考勤与请假 attendance"])


class LeaveIn(Schema):
    kind: str = Field(..., max_length=30)
    start: date
    end: date
    reason: str = Field(..., min_length=1, max_length=300)


class LeaveOut(Schema):
    id: int
    staff_no: str
    kind: str
    start: date
    end: date
    days: int
    reason: str
    state: str
    steps: list[str]
    approvals: list[dict]
    next_step: str | None
    manager_required: bool
    findings: list[str]
    certificate_required: bool
    certificate_due: date | None
    version: int

    @staticmethod
    def resolve_staff_no(obj):
        return obj.staff.staff_no


class AttendanceDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=300)
    version: int | None = None


class SwapIn(Schema):
    counterpart: str = Field(..., max_length=20, description="对方工号")
    requester_shift_start: datetime
    counterpart_shift_start: datetime
    reason: str = Field(..., min_length=1, max_length=300)


class SwapOut(Schema):
    id: int
    requester: str
    counterpart: str
    requester_shift_start: datetime
    counterpart_shift_start: datetime
    reason: str
    state: str
    approvals: list[dict]
    applied: list[dict]
    version: int

    @staticmethod
    def resolve_requester(obj):
        return obj.requester.staff_no

    @staticmethod
    def resolve_counterpart(obj):
        return obj.counterpart.staff_no


class SwapDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=300)
    version: int | None = None


class SwapAnswerIn(Schema):
    agree: bool
    note: str = Field("", max_length=300)
    version: int | None = None


class ClockImportOut(Schema):
    id: int
    rows: int
    created: bool


class SheetOut(Schema):
    month: date
    published_at: datetime | None = None
    rows: list[dict]


def _me(request) -> Staff:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise RuleViolation("当前账号没有员工档案", field="user", rule="no_staff", status=403)
    return staff


@op(router.post, "/leave", "attendance.submit_leave", response={201: LeaveOut})
def submit_leave(request, payload: LeaveIn):
    return 201, services.submit_leave(_me(request), **payload.dict())


@op(router.get, "/leave/mine", "attendance.my_leave", response=list[LeaveOut])
def my_leave(request):
    return list(LeaveRequest.objects.filter(staff=_me(request)).select_related("staff")[:200])


@op(router.post, "/leave/{leave_id}/cancel", "attendance.cancel_leave", response=LeaveOut)
def cancel_leave(request, leave_id: int):
    return services.cancel_leave(leave_id, _me(request))


@op(router.get, "/leave/pending", "attendance.pending_leave", response=list[LeaveOut])
def pending_leave(request):
    """Requests waiting for the current user's role at their next step (never their own); HR sees them all."""
    me = _me(request)
    mine = {r.value for r in roles_of(request.user)}
    rows = LeaveRequest.objects.filter(
        state=LeaveRequest.State.SUBMITTED, staff__center_id=me.center_id
    ).select_related("staff")[:500]
    return [r for r in rows if (r.next_step in mine and r.staff_id != me.pk) or Role.HR.value in mine]


@op(router.post, "/leave/{leave_id}/decision", "attendance.decide_leave", response=LeaveOut)
def decide_leave(request, leave_id: int, payload: AttendanceDecisionIn):
    return services.decide_leave(
        leave_id, _me(request), approve=payload.approve, note=payload.note, version=payload.version
    )


@op(router.post, "/swaps", "attendance.request_swap", response={201: SwapOut})
def request_swap(request, payload: SwapIn):
    return 201, services.request_swap(
        _me(request),
        counterpart_staff_no=payload.counterpart,
        requester_shift_start=payload.requester_shift_start,
        counterpart_shift_start=payload.counterpart_shift_start,
        reason=payload.reason,
    )


@op(router.post, "/swaps/{swap_id}/decision", "attendance.decide_swap", response=SwapOut)
def decide_swap(request, swap_id: int, payload: SwapDecisionIn):
    return services.decide_swap(
        swap_id, _me(request), approve=payload.approve, note=payload.note, version=payload.version
    )


@op(router.post, "/swaps/{swap_id}/answer", "attendance.answer_swap", response=SwapOut)
def answer_swap(request, swap_id: int, payload: SwapAnswerIn):
    """The counterpart agrees or declines (000:L242, 003:L67); only then do the team leads see it."""
    return services.answer_swap(swap_id, _me(request), agree=payload.agree, note=payload.note, version=payload.version)


@op(router.post, "/swaps/{swap_id}/cancel", "attendance.cancel_swap", response=SwapOut)
def cancel_swap(request, swap_id: int):
    return services.cancel_swap(swap_id, _me(request))


class PostCheckIn(Schema):
    kind: str = Field(..., max_length=12, description="spot_check 查岗不在岗 / left_post 离岗")
    staff_no: str = Field(..., max_length=20)
    at: datetime = Field(..., description="查岗时间或离岗时间")
    until: datetime | None = Field(None, description="作出说明的时间或返岗时间；查岗未说明时留空")
    note: str = Field("", max_length=300)


class PostCheckOut(Schema):
    id: int
    kind: str
    staff_no: str
    at: datetime
    until: datetime | None
    finding: str
    minutes: int

    @staticmethod
    def resolve_staff_no(obj):
        return obj.staff.staff_no


@op(router.post, "/post-checks", "attendance.record_post_check", response={201: PostCheckOut})
def record_post_check(request, payload: PostCheckIn):
    """A spot check that found someone away, or a stretch away from the post (002:L75, 000:L30-31); discipline
    records the violation from it."""
    return 201, services.record_post_check(
        _me(request),
        kind=payload.kind,
        staff_no=payload.staff_no,
        at=payload.at,
        until=payload.until,
        note=payload.note,
    )


@op(router.post, "/clock-imports", "attendance.import_clock", response={201: ClockImportOut, 200: ClockImportOut})
def import_clock(request, file: File[UploadedFile]):
    batch, created = services.import_clock_csv(
        _me(request).center, data=file.read(), file_name=file.name or "upload.csv", user=request.user
    )
    return (201 if created else 200), {"id": batch.id, "rows": batch.rows, "created": created}


def _month(value: str) -> date:
    return parse_month(value, "月份", field="month", required=True)


@op(router.get, "/sheet", "attendance.month_sheet", response=SheetOut)
def month_sheet(request, month: str):
    m = _month(month)
    return {"month": m, "rows": services.month_rows(_me(request).center, month=m)}


@op(router.post, "/sheet/publish", "attendance.publish_sheet", response={201: SheetOut})
def publish_sheet(request, month: str):
    sheet = services.publish_sheet(_me(request).center, month=_month(month), by=_me(request))
    return 201, {"month": sheet.month, "published_at": sheet.published_at, "rows": sheet.rows}


@op(router.get, "/sheet/mine", "attendance.my_sheet", response=SheetOut)
def my_sheet(request, month: str):
    """The published sheet, own row only (staff see their own attendance once published)."""
    me = _me(request)
    sheet = AttendanceSheet.objects.filter(center=me.center, month=_month(month)).order_by("-published_at").first()
    if sheet is None:
        raise NotFound("该月考勤表尚未公布", field="month")
    return {
        "month": sheet.month,
        "published_at": sheet.published_at,
        "rows": [r for r in sheet.rows if r["staff_no"] == me.staff_no],
    }
