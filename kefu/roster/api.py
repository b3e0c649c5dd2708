"""Roster API: list and read rosters, generate (CP-SAT), publish, edit one cell, agents' requests."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Router, Schema

from kefu.access import op
from kefu.errors import NotFound
from kefu.org.roles import LEADS, Role, roles_of
from kefu.roster import selectors, services
from kefu.roster.models import Roster, RosterRequest

router = Router(tags=["排班 roster"])


class RosterOut(Schema):
    id: int
    start: date
    days: int
    status: str
    solver_status: str
    objective: int | None
    report: dict


class AssignmentOut(Schema):
    staff_no: str
    day: date
    code: str


class RosterDetail(RosterOut):
    assignments: list[AssignmentOut]


class TemplateOut(Schema):
    code: str
    name: str
    start: str
    minutes: int
    night: bool


class GenerateIn(Schema):
    start: date
    days: int = Field(28, ge=1, le=services.MAX_DAYS)
    requirement: list[list[int]] | None = None  # per day, seats per interval (kefu.wfm's Erlang output)
    holidays: list[int] | None = None  # day indexes; default: the working-day calendar + special dates
    time_limit: float | None = Field(None, gt=0, le=120)


class EditIn(Schema):
    staff_no: str
    day: date
    code: str | None = None  # None or "": a day off


class EditOut(Schema):
    staff_no: str
    day: date
    old_code: str
    new_code: str
    warnings: list[dict]


class RequestIn(Schema):
    day: date
    kind: str
    shift_code: str = ""
    staff_no: str | None = None
    weight: int | None = None
    note: str = Field("", max_length=200)


class RequestOut(Schema):
    id: int
    staff_no: str
    day: date
    kind: str
    shift_code: str
    weight: int | None

    @staticmethod
    def resolve_staff_no(obj):
        return obj.staff.staff_no


class ScheduledShiftOut(Schema):
    """已发布排班中的一个班次：工号、开始、结束、班次代码。"""

    staff_no: str
    start: datetime
    end: datetime
    code: str


def _staff(request):
    return request.user.staff


def _visible(request):
    qs = Roster.objects.filter(center=_staff(request).center)
    if not roles_of(request.user) & (LEADS | {Role.ADMIN, Role.HR}):
        qs = qs.filter(status=Roster.Status.PUBLISHED)  # agents see published rosters only
    return qs


@op(router.get, "/rosters", "roster.list", response=list[RosterOut])
def list_rosters(request):
    return list(_visible(request)[:50])


@op(router.get, "/rosters/{roster_id}", "roster.detail", response=RosterDetail)
def roster_detail(request, roster_id: int):
    roster = _visible(request).filter(pk=roster_id).first()
    if roster is None:
        raise NotFound("排班表", field="roster_id")
    rows = roster.assignments.select_related("staff").order_by("staff__staff_no", "day")
    return {
        "id": roster.id,
        "start": roster.start,
        "days": roster.days,
        "status": roster.status,
        "solver_status": roster.solver_status,
        "objective": roster.objective,
        "report": roster.report,
        "assignments": [{"staff_no": a.staff.staff_no, "day": a.day, "code": a.code} for a in rows],
    }


@op(router.get, "/templates", "roster.templates", response=list[TemplateOut])
def templates(request):
    return [
        {"code": t.code, "name": t.name, "start": f"{t.start:%H:%M}", "minutes": t.minutes, "night": t.night}
        for t in services.ensure_templates(_staff(request).center)
    ]


@op(router.post, "/rosters", "roster.generate", response={201: RosterOut})
def generate(request, payload: GenerateIn):
    staff = _staff(request)
    roster = services.generate(
        staff.center,
        start=payload.start,
        days=payload.days,
        actor=staff,
        requirement=payload.requirement,
        holidays=payload.holidays,
        time_limit=payload.time_limit,
    )
    return 201, roster


@op(router.post, "/rosters/{roster_id}/publish", "roster.publish", response=RosterOut)
def publish(request, roster_id: int):
    roster = Roster.objects.filter(center=_staff(request).center, pk=roster_id).first()
    if roster is None:
        raise NotFound("排班表", field="roster_id")
    return services.publish(roster, _staff(request))


@op(router.post, "/rosters/{roster_id}/edit", "roster.edit", response=EditOut)
def edit(request, roster_id: int, payload: EditIn):
    roster = Roster.objects.filter(center=_staff(request).center, pk=roster_id).first()
    if roster is None:
        raise NotFound("排班表", field="roster_id")
    e = services.edit_assignment(
        roster, staff_no=payload.staff_no, day=payload.day, code=payload.code or None, actor=_staff(request)
    )
    return {
        "staff_no": e.staff.staff_no,
        "day": e.day,
        "old_code": e.old_code,
        "new_code": e.new_code,
        "warnings": e.warnings,
    }


@op(router.post, "/requests", "roster.request", response={201: RequestOut})
def submit_request(request, payload: RequestIn):
    r = services.submit_request(
        _staff(request),
        day=payload.day,
        kind=payload.kind,
        shift_code=payload.shift_code,
        staff_no=payload.staff_no,
        weight=payload.weight,
        note=payload.note,
    )
    return 201, r


@op(router.get, "/requests", "roster.requests", response=list[RequestOut])
def list_requests(request, start: date | None = None, end: date | None = None):
    staff = _staff(request)
    qs = RosterRequest.objects.filter(center=staff.center).select_related("staff")
    if not roles_of(request.user) & LEADS:
        qs = qs.filter(staff=staff)
    if start:
        qs = qs.filter(day__gte=start)
    if end:
        qs = qs.filter(day__lte=end)
    return list(qs[:500])


@op(router.get, "/scheduled", "roster.scheduled", response=list[ScheduledShiftOut])
def scheduled(request, start: datetime, end: datetime):
    rows = selectors.scheduled_intervals(_staff(request).center, start, end)
    return [{"staff_no": s, "start": a, "end": b, "code": c} for s, a, b, c in rows]
