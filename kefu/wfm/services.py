"""Use cases of workforce management: forecasts, staffing per interval, the floor ladder, the five tables."""

from __future__ import annotations

import calendar as pycal
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from kefu.errors import Conflict, NotFound, RuleViolation
from kefu.org.policy import policy_for
from kefu.wfm import erlang, forecast, ladder, selectors
from kefu.wfm.models import FloorState, FloorStep, ForecastAdjustment, IntervalForecast
from kefu.workcal import shifts
from kefu.workcal.selectors import night_window, shift_calendar

MAX_FORECAST_DAYS = 62


def policy(center) -> dict:
    return policy_for("wfm", center)


def day_kind_for(cal):
    """Day types of the forecast from the center's calendar: holidays (004:L787) and make-up days (调休)."""

    def kind(d: date) -> str:
        if cal.is_holiday(d):
            return "holiday"
        if d in cal.workdays:
            return "makeup"
        return str(d.weekday())

    return kind


def _calendar():
    from kefu.workcal.services import center_calendar

    return center_calendar()


def _adjustments(center, start: date, end: date) -> list[forecast.Adjustment]:
    tz = ZoneInfo(center.time_zone)
    lo, hi = selectors.local_bounds(center, start, end)
    rows = ForecastAdjustment.objects.filter(center=center, start__lt=hi, end__gt=lo)
    return [
        forecast.Adjustment(
            r.start.astimezone(tz).replace(tzinfo=None),
            r.end.astimezone(tz).replace(tzinfo=None),
            r.factor,
            r.extra_calls,
        )
        for r in rows
    ]


# ------------------------------------------------------------------ forecast


@transaction.atomic
def build_forecast(center, *, start: date, days: int, by=None) -> dict:
    """Fit on the last `history_weeks` weeks before `start`, forecast `days` days, store every interval."""
    if not 1 <= days <= MAX_FORECAST_DAYS:
        raise RuleViolation(f"预测天数应为1至{MAX_FORECAST_DAYS}天", field="days", rule="forecast_days")
    pol = policy(center)["forecast"]
    minutes = int(pol["interval_minutes"])
    hist_start = start - timedelta(weeks=int(pol["history_weeks"]))
    history = selectors.interval_history(center, hist_start, start - timedelta(days=1), minutes)
    if not history:
        raise RuleViolation(
            f"{hist_start}至{start - timedelta(days=1)}没有话务历史数据，无法预测（请先导入通话记录）",
            field="start",
            rule="no_history",
        )
    kind = day_kind_for(_calendar())
    msd = int(pol["month_start_days"])
    model = forecast.fit(history, minutes, kind, msd)
    wape, _rows = forecast.backtest(history, minutes, kind, msd, holdout_days=7)
    values = forecast.predict(model, start, days, kind, _adjustments(center, start, start + timedelta(days=days - 1)))
    tz = ZoneInfo(center.time_zone)
    for v in values:
        IntervalForecast.objects.update_or_create(
            center=center,
            start=v.start.replace(tzinfo=tz),
            defaults={
                "minutes": minutes,
                "calls": round(v.calls, 3),
                "aht": round(v.aht, 3),
                "generated_by": by,
                "backtest_wape": wape,
            },
        )
    return {
        "start": start,
        "days": days,
        "intervals": len(values),
        "minutes": minutes,
        "backtest_wape": wape,
        "month_start_factor": model.month_start_factor,
        "history_days": len({o.start.date() for o in history}),
    }


def forecast_for(center, *, start: date, end: date) -> list[IntervalForecast]:
    lo, hi = selectors.local_bounds(center, start, end)
    return list(IntervalForecast.objects.filter(center=center, start__gte=lo, start__lt=hi).order_by("start"))


@transaction.atomic
def add_adjustment(
    center, *, name: str, start: datetime, end: datetime, factor: float = 1.0, extra_calls: float = 0.0, by=None
) -> ForecastAdjustment:
    name = (name or "").strip()
    if not name:
        raise RuleViolation("请填写事件名称（如：短信宣传、系统故障）", field="name", rule="required")
    if len(name) > 100:
        raise RuleViolation("事件名称不能超过100个字符", field="name", rule="max_length")
    if start.tzinfo is None or end.tzinfo is None:
        raise RuleViolation("开始和结束时间必须带时区", field="start", rule="timezone")
    if end <= start:
        raise RuleViolation("结束时间必须晚于开始时间", field="end", rule="time_order")
    if not 0 <= factor <= 10:
        raise RuleViolation("话务量倍数应在0到10之间", field="factor", rule="factor_range")
    if extra_calls < -10000 or extra_calls > 10000:
        raise RuleViolation("每时段增加话务量应在±10000之间", field="extra_calls", rule="extra_range")
    return ForecastAdjustment.objects.create(
        center=center, name=name, start=start, end=end, factor=factor, extra_calls=extra_calls, created_by=by
    )


@transaction.atomic
def delete_adjustment(center, adjustment_id: int) -> None:
    deleted, _ = ForecastAdjustment.objects.filter(center=center, pk=adjustment_id).delete()
    if not deleted:
        raise NotFound("预测调整", field="adjustment_id")


# ------------------------------------------------------------------ staffing


def target_from_policy(pol: dict) -> erlang.Target:
    t = pol["targets"]
    return erlang.Target(
        service_level=t["service_level"],
        threshold=t["threshold"],
        asa=t.get("asa"),
        max_abandon=t.get("max_abandon") if pol["model"] == "A" else None,
        occupancy_cap=t.get("occupancy_cap"),
        shrinkage=t["shrinkage"],
    )


def staffing_plan(center, day: date, *, model: str | None = None) -> dict:
    """Forecast → required agents per interval under Erlang C or A with the policy's targets (+ roster if any)."""
    pol = policy(center)
    model = model or pol["model"]
    if model not in ("A", "C"):
        raise RuleViolation("排班模型只能是 A 或 C", field="model", rule="model")
    rows = forecast_for(center, start=day, end=day)
    if not rows:
        raise RuleViolation(f"{day} 还没有预测，请先生成预测", field="day", rule="no_forecast")
    target = target_from_policy({**pol, "model": model})
    patience = float(pol["targets"]["patience"])
    tz = ZoneInfo(center.time_zone)
    scheduled = selectors.scheduled_per_interval(center, day, day, rows[0].minutes)
    out = []
    loads = [(erlang.traffic_erlangs(r.calls, r.aht, r.minutes * 60), r.aht) for r in rows]
    for r, (traffic, _aht), s in zip(
        rows, loads, erlang.required_series(loads, target, model=model, patience=patience)
    ):
        local = r.start.astimezone(tz)
        out.append(
            {
                "start": local,
                "label": local.strftime("%H:%M"),
                "calls": round(r.calls, 1),
                "aht": round(r.aht, 1),
                "traffic": round(traffic, 2),
                "required": s.required,
                "scheduled_needed": s.scheduled,
                "rostered": None if scheduled is None else scheduled.get(local.replace(tzinfo=None), 0),
                "service_level": s.performance.service_level,
                "asa": s.performance.asa,
                "p_abandon": s.performance.p_abandon,
                "occupancy": s.performance.occupancy,
                "binding": s.binding,
            }
        )
    return {
        "day": day,
        "model": model,
        "targets": pol["targets"],
        "rows": out,
        "roster_available": scheduled is not None,
    }


# ------------------------------------------------------------------ the floor (emergency staffing ladder)


def _ladder_cfg(center) -> tuple[ladder.LadderConfig, dict]:
    pol = policy(center)["ladder"]
    return ladder.LadderConfig.from_policy(pol), pol


def _to_state(row: FloorState) -> ladder.LadderState:
    return ladder.LadderState(
        tuple(row.signed_in), row.high_since, row.low_since, row.last_change_at, row.last_waiting, row.observed_at
    )


def _save_state(row: FloorState, st: ladder.LadderState) -> None:
    row.signed_in = list(st.signed_in)
    row.high_since, row.low_since, row.last_change_at = st.high_since, st.low_since, st.last_change_at
    row.last_waiting, row.observed_at = st.last_waiting, st.observed_at
    row.save()


def _is_holiday(center, local_day: date, pol: dict) -> bool:
    return _calendar().is_holiday(local_day) or local_day.strftime("%m-%d") in pol.get("holiday_dates", [])


@transaction.atomic
def observe_floor(center, waiting: int, *, now: datetime | None = None, by=None) -> FloorStep | None:
    """Record the live waiting count; propose the ladder's next step (or withdraw a stale one). Returns the pending step."""
    if not isinstance(waiting, int) or waiting < 0 or waiting > 100000:
        raise RuleViolation("等待人数应为0至100000的整数", field="waiting", rule="waiting_range")
    now = now or timezone.now()
    cfg, pol = _ladder_cfg(center)
    row, _ = FloorState.objects.select_for_update().get_or_create(center=center)
    if row.observed_at and now < row.observed_at:
        raise RuleViolation("观测时间不能早于上一次观测", field="now", rule="time_order")
    st = ladder.observe(_to_state(row), now, waiting, cfg)
    _save_state(row, st)
    local = now.astimezone(ZoneInfo(center.time_zone))
    night = shifts.is_night_time(shift_calendar(center), local, night_window(center))  # 004:L785
    due = ladder.due(st, now, cfg, night=night, holiday=_is_holiday(center, local.date(), pol))
    pending = FloorStep.objects.filter(center=center, status=FloorStep.Status.PENDING).first()
    if pending and (due is None or (due.action, due.group) != (pending.action, pending.group)):
        pending.status, pending.decided_at = FloorStep.Status.WITHDRAWN, now
        pending.note = f"条件已消失（等待人数{waiting}人）"
        pending.save()
        pending = None
    if due and pending is None:
        pending = FloorStep.objects.create(
            center=center,
            action=due.action,
            group=due.group,
            label=due.label,
            seats=due.seats,
            waiting=waiting,
            reason=due.reason,
            rule=due.rule,
            proposed_at=now,
            proposed_by=by,
        )
    return pending


@transaction.atomic
def decide_step(
    center,
    step_id: int,
    *,
    by,
    confirm: bool,
    staff_nos: list[str] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> FloorStep:
    """The supervisor confirms (the group signs in / out now) or rejects a pending step."""
    now = now or timezone.now()
    step = FloorStep.objects.select_for_update().filter(center=center, pk=step_id).first()
    if step is None:
        raise NotFound("应急排班提议", field="step_id")
    if step.status != FloorStep.Status.PENDING:
        raise Conflict(f"该提议已是“{step.get_status_display()}”，不能再处理", field="step_id", rule="not_pending")
    if len(note) > 200:
        raise RuleViolation("备注不能超过200个字符", field="note", rule="max_length")
    staff_nos = [s.strip() for s in (staff_nos or []) if s.strip()]
    if staff_nos:
        from kefu.org.models import Staff

        known = set(Staff.objects.filter(center=center, staff_no__in=staff_nos).values_list("staff_no", flat=True))
        unknown = [s for s in staff_nos if s not in known]
        if unknown:
            raise RuleViolation(f"工号不存在：{'、'.join(unknown)}", field="staff_nos", rule="unknown_staff")
    if confirm:
        row = FloorState.objects.select_for_update().get(center=center)
        proposal = ladder.Proposal(step.action, step.group, step.label, step.seats, step.reason, step.rule)
        try:
            st = ladder.confirm(_to_state(row), proposal, now)
        except ValueError:
            raise Conflict("签出必须按签入顺序反向进行", field="step_id", rule="lifo")
        _save_state(row, st)
    step.status = FloorStep.Status.CONFIRMED if confirm else FloorStep.Status.REJECTED
    step.decided_at, step.decided_by, step.staff_nos, step.note = now, by, staff_nos, note
    step.save()
    return step


def floor_snapshot(center) -> dict:
    row = FloorState.objects.filter(center=center).first()
    cfg, pol = _ladder_cfg(center)
    labels = {s.group: s.label for s in cfg.day_steps + cfg.steps(night=True, holiday=False) + (ladder.OVERTIME,)}
    labels["holiday_reserve"] = "节假日应急备班台席"
    signed = list(row.signed_in) if row else []
    seats = {s.group: s.seats for s in cfg.day_steps}
    return {
        "waiting": row.last_waiting if row else None,
        "observed_at": row.observed_at if row else None,
        "signed_in": [{"group": g, "label": labels.get(g, g), "seats": seats.get(g)} for g in signed],
        "extra_seats": sum(seats.get(g) or 0 for g in signed),
        "max_extra_seats": pol["max_extra_seats"],
        "pending": FloorStep.objects.filter(center=center, status=FloorStep.Status.PENDING).first(),
        "log": list(FloorStep.objects.filter(center=center).select_related("proposed_by", "decided_by")[:30]),
        "band_low": cfg.band_low,
        "band_high": cfg.band_high,
        "persist_minutes": int(cfg.persist.total_seconds() // 60),
    }


# ------------------------------------------------------------------ the five tables (五表, 004:L753-757)


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=pycal.monthrange(first.year, first.month)[1])


def five_tables(center, month: date) -> dict:
    """① seats per interval per day of this month (+ daily average), ② forecast vs absorbable traffic per day,
    ③ last month actual traffic and per-agent traffic, ④ last month actual vs forecast, ⑤ last month per-agent
    actual vs per-agent forecast (004:L753-757)."""
    pol = policy(center)
    cap_per_hour = float(pol["forecast"]["max_calls_per_agent_hour"])  # 004:L749
    first, last = month_bounds(month)
    prev_first, prev_last = month_bounds(first - timedelta(days=1))
    tz = ZoneInfo(center.time_zone)

    forecasts = forecast_for(center, start=first, end=last)
    minutes = forecasts[0].minutes if forecasts else int(pol["forecast"]["interval_minutes"])
    rostered = selectors.scheduled_per_interval(center, first, last, minutes)
    target = target_from_policy(pol)
    patience = float(pol["targets"]["patience"])
    seats: dict[date, dict[str, int]] = {}
    fc_day: dict[date, float] = {}
    needed = _required(forecasts, target, pol["model"], patience) if not rostered else []
    for i, r in enumerate(forecasts):
        local = r.start.astimezone(tz)
        d = local.date()
        n = rostered.get(local.replace(tzinfo=None), 0) if rostered else needed[i]
        seats.setdefault(d, {})[local.strftime("%H:%M")] = n
        fc_day[d] = fc_day.get(d, 0.0) + r.calls
    slots = sorted({k for v in seats.values() for k in v})
    # Every day of the month is listed; a day without a forecast yet shows "—" rather than disappearing.
    month_days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    table1 = [
        {
            "day": d,
            "seats": [seats[d].get(s, 0) for s in slots] if d in seats else [None] * len(slots),
            "average": round(sum(seats[d].values()) / len(seats[d]), 1) if seats.get(d) else None,
        }
        for d in month_days
    ]
    hours = minutes / 60
    table2 = [
        {
            "day": d,
            "forecast": round(fc_day[d]) if d in fc_day else None,
            "capacity": round(sum(seats[d].values()) * hours * cap_per_hour) if d in seats else None,
        }
        for d in month_days
    ]

    actual = selectors.daily_actuals(center, prev_first, prev_last)
    prev_fc: dict[date, float] = {}
    prev_seats: dict[date, list[int]] = {}
    prev_rows = forecast_for(center, start=prev_first, end=prev_last)
    for r, n in zip(prev_rows, _required(prev_rows, target, pol["model"], patience)):
        d = r.start.astimezone(tz).date()
        prev_fc[d] = prev_fc.get(d, 0.0) + r.calls
        prev_seats.setdefault(d, []).append(n)
    days = [prev_first + timedelta(days=i) for i in range((prev_last - prev_first).days + 1)]
    table3, table4, table5 = [], [], []
    for d in days:
        a = actual.get(d, {"offered": 0, "answered": 0, "agents": 0})
        per_agent = round(a["answered"] / a["agents"], 1) if a["agents"] else None
        table3.append(
            {
                "day": d,
                "offered": a["offered"],
                "answered": a["answered"],
                "agents": a["agents"],
                "per_agent": per_agent,
            }
        )
        f = prev_fc.get(d)
        err = None if f is None or not a["offered"] else round((a["offered"] - f) / a["offered"], 4)
        table4.append({"day": d, "actual": a["offered"], "forecast": None if f is None else round(f), "error": err})
        # planned agents of the day: the peak interval's required seats (one person works one seat at a time)
        planned = max(prev_seats[d]) if prev_seats.get(d) else None
        table5.append(
            {
                "day": d,
                "per_agent_actual": per_agent,
                "per_agent_forecast": round(f / planned, 1) if f is not None and planned else None,
            }
        )
    total_a = sum(r["actual"] for r in table4 if r["forecast"] is not None)
    wape = (
        forecast.wape(
            [r["actual"] for r in table4 if r["forecast"] is not None],
            [r["forecast"] for r in table4 if r["forecast"] is not None],
        )
        if total_a
        else None
    )
    return {
        "month": first,
        "prev_month": prev_first,
        "slots": slots,
        "seat_source": "roster" if rostered else "erlang",
        "table1": table1,
        "table2": table2,
        "table3": table3,
        "table4": table4,
        "table5": table5,
        "last_month_wape": wape,
        "cap_per_hour": cap_per_hour,
    }


def _required(rows: list[IntervalForecast], target: erlang.Target, model: str, patience: float) -> list[int]:
    loads = [(erlang.traffic_erlangs(r.calls, r.aht, r.minutes * 60), r.aht) for r in rows]
    return [s.required for s in erlang.required_series(loads, target, model=model, patience=patience)]


def five_tables_xlsx(center, month: date) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    from kefu.web.sheets import append

    t = five_tables(center, month)
    wb = Workbook()
    ws = wb.active
    ws.title = "①本月座席数"
    append(ws, ["日期", *t["slots"], "日平均席数"])
    for r in t["table1"]:
        append(ws, [r["day"].isoformat(), *r["seats"], r["average"]])
    ws = wb.create_sheet("②预测与可承受话务量")
    append(ws, ["日期", "预测话务量", f"可承受话务量（每席每小时{t['cap_per_hour']:g}个）"])
    for r in t["table2"]:
        append(ws, [r["day"].isoformat(), r["forecast"], r["capacity"]])
    ws = wb.create_sheet("③上月实际话务量")
    append(ws, ["日期", "呼入话务量", "接听量", "上线人数", "人均接听量"])
    for r in t["table3"]:
        append(ws, [r["day"].isoformat(), r["offered"], r["answered"], r["agents"], _dash(r["per_agent"])])
    ws = wb.create_sheet("④上月实际与预测")
    append(ws, ["日期", "实际话务量", "预测话务量", "偏差率"])
    for r in t["table4"]:
        append(ws, [r["day"].isoformat(), r["actual"], _dash(r["forecast"]), _dash(r["error"])])
    ws = wb.create_sheet("⑤上月人均实际与预测")
    append(ws, ["日期", "人均实际话务量", "人均预测话务量"])
    for r in t["table5"]:
        append(ws, [r["day"].isoformat(), _dash(r["per_agent_actual"]), _dash(r["per_agent_forecast"])])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _dash(value):
    return "—" if value is None else value


def performance_dict(p: erlang.Performance) -> dict:
    return asdict(p)


def local_day_start(center, d: date) -> datetime:
    return datetime.combine(d, time(0), ZoneInfo(center.time_zone))
