from __future__ import annotations

import math
from datetime import date, datetime

from django.http import HttpResponse
from ninja import Field, Router, Schema

from kefu.access import op
from kefu.errors import RuleViolation
from kefu.org.models import Center
from kefu.web.inputs import parse_month
from kefu.wfm import erlang, services
from kefu.wfm.models import FloorStep

router = Router(tags=["排班与人力 wfm"])


def center_of(request) -> Center:
    staff = getattr(request.user, "staff", None)
    center = staff.center if staff else Center.objects.order_by("id").first()
    if center is None:
        raise RuleViolation("尚未建立中心", field=None, rule="no_center", status=404)
    return center


def _staff(request):
    return getattr(request.user, "staff", None)


class PerformanceOut(Schema):
    model: str
    agents: float
    traffic: float
    p_wait: float
    service_level: float
    asa: float | None = Field(None, description="应答的来电平均排队时长（秒）")
    mean_wait: float | None = Field(None, description="全部来电（含放弃）平均排队时长（秒）")
    p_abandon: float
    occupancy: float
    stable: bool


class ErlangOut(Schema):
    traffic: float
    required: int | None
    scheduled: int | None
    binding: str | None
    performance: PerformanceOut


def _perf(p: erlang.Performance) -> dict:
    d = services.performance_dict(p)
    for key in ("asa", "mean_wait"):
        if d[key] is not None and math.isinf(d[key]):
            d[key] = None
    return d


@op(router.get, "/erlang", "wfm.erlang", response=ErlangOut)
def erlang_calc(
    request,
    calls: float,
    aht: float,
    interval_minutes: int = 30,
    model: str = "C",
    agents: int | None = None,
    service_level: float = 0.8,
    threshold: float = 20,
    patience: float = 60,
    shrinkage: float = 0.0,
    max_abandon: float | None = None,
    occupancy_cap: float | None = None,
    asa: float | None = None,
):
    """Erlang C / A calculator: performance for `agents`, or the agents required for the targets."""
    if model not in ("A", "C"):
        raise RuleViolation("模型只能是 A（Erlang A）或 C（Erlang C）", field="model", rule="model")
    if interval_minutes not in (15, 30, 60):
        raise RuleViolation("时段长度只能是15、30或60分钟", field="interval_minutes", rule="interval")
    if aht <= 0 or calls < 0:
        raise RuleViolation("话务量不能为负，平均处理时长必须大于0秒", field="aht", rule="positive")
    try:
        traffic = erlang.traffic_erlangs(calls, aht, interval_minutes * 60)
        if agents is not None:
            if agents < 0:
                raise RuleViolation("座席数不能为负", field="agents", rule="positive")
            p = (
                erlang.erlang_c_performance(agents, traffic, aht, threshold)
                if model == "C"
                else erlang.erlang_a_performance(agents, traffic, aht, patience, threshold)
            )
            return {"traffic": traffic, "required": None, "scheduled": None, "binding": None, "performance": _perf(p)}
        target = erlang.Target(
            service_level=service_level,
            threshold=threshold,
            asa=asa,
            max_abandon=max_abandon,
            occupancy_cap=occupancy_cap,
            shrinkage=shrinkage,
        )
        s = erlang.required_agents(traffic, aht, target, model=model, patience=patience)
    except ValueError as exc:
        raise RuleViolation(f"参数不合理：{exc}", field="service_level", rule="erlang_input")
    return {
        "traffic": traffic,
        "required": s.required,
        "scheduled": s.scheduled,
        "binding": s.binding,
        "performance": _perf(s.performance),
    }


class BuildIn(Schema):
    start: date
    days: int = Field(7, ge=1, le=services.MAX_FORECAST_DAYS)


class BuildOut(Schema):
    start: date
    days: int
    intervals: int
    minutes: int
    backtest_wape: float | None
    month_start_factor: float
    history_days: int


class ForecastIntervalOut(Schema):
    """话务预测的一个时段：开始时间、时长（分钟）、预测来电量、平均处理时长（秒）。"""

    start: datetime
    minutes: int
    calls: float
    aht: float


@op(router.post, "/forecasts", "wfm.build_forecast", response=BuildOut)
def build_forecast(request, payload: BuildIn):
    return services.build_forecast(center_of(request), start=payload.start, days=payload.days, by=_staff(request))


@op(router.get, "/forecasts", "wfm.forecast", response=list[ForecastIntervalOut])
def forecast_list(request, start: date, end: date):
    if end < start or (end - start).days > services.MAX_FORECAST_DAYS:
        raise RuleViolation(f"查询区间应为1至{services.MAX_FORECAST_DAYS}天", field="end", rule="range")
    return services.forecast_for(center_of(request), start=start, end=end)


class AdjustmentIn(Schema):
    name: str = Field(..., max_length=100)
    start: datetime
    end: datetime
    factor: float = 1.0
    extra_calls: float = 0.0


class AdjustmentOut(Schema):
    id: int
    name: str
    start: datetime
    end: datetime
    factor: float
    extra_calls: float


@op(router.post, "/adjustments", "wfm.add_adjustment", response=AdjustmentOut)
def add_adjustment(request, payload: AdjustmentIn):
    return services.add_adjustment(center_of(request), by=_staff(request), **payload.dict())


@op(router.delete, "/adjustments/{adjustment_id}", "wfm.delete_adjustment", response={204: None})
def delete_adjustment(request, adjustment_id: int):
    services.delete_adjustment(center_of(request), adjustment_id)
    return 204, None


class StaffingRow(Schema):
    start: datetime
    calls: float
    aht: float
    traffic: float
    required: int
    scheduled_needed: int
    rostered: int | None
    service_level: float
    asa: float | None
    p_abandon: float
    occupancy: float
    binding: str


class StaffingOut(Schema):
    day: date
    model: str
    roster_available: bool
    rows: list[StaffingRow]


@op(router.get, "/staffing", "wfm.staffing", response=StaffingOut)
def staffing(request, day: date, model: str | None = None):
    plan = services.staffing_plan(center_of(request), day, model=model)
    for r in plan["rows"]:
        if r["asa"] is not None and math.isinf(r["asa"]):
            r["asa"] = None
    return plan


@op(router.get, "/five-tables", "wfm.five_tables", response=dict)
def five_tables(request, month: str, format: str = "json"):
    """The textbook's five tables (五表, 004:L753-757) for a month (YYYY-MM); format=xlsx for Excel."""
    first = parse_month(month, "月份", field="month", required=True)
    center = center_of(request)
    if format == "xlsx":
        data = services.five_tables_xlsx(center, first)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="five-tables-{first:%Y-%m}.xlsx"'
        return response
    t = services.five_tables(center, first)
    return _jsonable(t)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


class StepOut(Schema):
    id: int
    action: str
    group: str
    label: str
    seats: int | None
    waiting: int
    reason: str
    rule: str
    status: str
    proposed_at: datetime
    proposed_by: str | None = Field(None, description="提议人工号（空=系统按制度提议）")
    decided_at: datetime | None
    decided_by: str | None = Field(None, description="处理人工号")
    staff_nos: list[str]
    note: str

    @staticmethod
    def resolve_proposed_by(obj):
        return obj.proposed_by.staff_no if obj.proposed_by else None

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.staff_no if obj.decided_by else None


class FloorOut(Schema):
    waiting: int | None
    observed_at: datetime | None
    signed_in: list[dict]
    extra_seats: int
    max_extra_seats: int
    pending: StepOut | None
    log: list[StepOut]


class ObserveIn(Schema):
    waiting: int = Field(..., ge=0, le=100000, description="当前呼入等待人数")


class DecideIn(Schema):
    confirm: bool
    staff_nos: list[str] = Field(default_factory=list, description="签入/签出人员工号")
    note: str = Field("", max_length=200)


@op(router.get, "/floor", "wfm.floor", response=FloorOut)
def floor(request):
    return services.floor_snapshot(center_of(request))


@op(router.post, "/floor/observations", "wfm.floor_observe", response={200: StepOut, 204: None})
def floor_observe(request, payload: ObserveIn):
    step = services.observe_floor(center_of(request), payload.waiting, by=_staff(request))
    return (200, step) if step else (204, None)


@op(router.post, "/floor/steps/{step_id}/decision", "wfm.floor_decide", response=StepOut)
def floor_decide(request, step_id: int, payload: DecideIn):
    return services.decide_step(
        center_of(request),
        step_id,
        by=_staff(request),
        confirm=payload.confirm,
        staff_nos=payload.staff_nos,
        note=payload.note,
    )


__all__ = ["router", "FloorStep"]
