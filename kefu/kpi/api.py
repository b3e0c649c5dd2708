"""KPI API: metric definitions, values for a period and breakdown, the wallboard, rollup refresh."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from kefu.access import op
from kefu.errors import NotAllowed, RuleViolation
from kefu.kpi import engine, periods, selectors, services
from kefu.kpi.access import WIDE_ROLES
from kefu.kpi.definitions import METRICS
from kefu.kpi.views import center_of, check_period_dates
from kefu.org.roles import roles_of

router = Router(tags=["指标 kpi"])


class MetricOut(Schema):
    code: str
    name: str
    group: str
    formula: str
    unit: str
    source: str
    seed: str
    periods: str
    kind: str
    target: str
    target_rule: dict | None
    hints: list[str]
    hint_seed: str
    decision: str


class ValueOut(Schema):
    metric: str
    name: str
    key: str
    label: str
    numerator: float | None
    denominator: float | None
    value: float | None
    shown: str
    status: str
    target: str


class ValuesOut(Schema):
    period: str
    start: str
    end: str
    by: str
    values: list[ValueOut]


class AgentsOut(Schema):
    logged_in: int
    paused: int
    talking: int
    ready: int


class WallboardOut(Schema):
    now: datetime
    waiting: int
    longest_wait: int | None
    service_level: str | None
    service_level_status: str
    abandon_rate: str | None
    abandon_rate_status: str
    answered: int
    offered: int
    agents: AgentsOut


class RefreshIn(Schema):
    start: str
    end: str


class RefreshOut(Schema):
    rows: int


def _jsonable(target: dict | None) -> dict | None:
    if not target:
        return None
    return {
        k: (float(v) if hasattr(v, "denominator") and not isinstance(v, (int, bool)) else v) for k, v in target.items()
    }


@op(router.get, "/metrics", "kpi.metrics", response=list[MetricOut])
def metrics(request):
    spec = selectors.spec_for(center_of(request.user))
    return [
        MetricOut(
            code=m.code,
            name=m.name,
            group=m.group,
            formula=m.formula,
            unit=m.unit,
            source=m.source,
            seed=m.seed,
            periods=m.periods,
            kind=m.kind,
            target=engine.target_text(m.code, spec),
            target_rule=_jsonable(engine.band_for(m.code, spec)),
            hints=list(m.hints),
            hint_seed=m.hint_seed,
            decision=m.decision,
        )
        for m in METRICS
    ]


@op(router.get, "/values", "kpi.values", response=ValuesOut)
def values(
    request,
    period: str = "month",
    by: str = "center",
    key: str | None = None,
    month: str | None = None,
    date: str | None = None,
    start: str | None = None,
    end: str | None = None,
):
    """Values of every metric for a period (today/day/week/month/range) and breakdown (center/team/agent/call_type/vip/queue)."""
    center = center_of(request.user)
    if by not in selectors.DAY_BREAKDOWNS:
        raise RuleViolation(f"分组维度只能是 {'/'.join(selectors.DAY_BREAKDOWNS)}", field="by", rule="breakdown")
    if not roles_of(request.user) & WIDE_ROLES:
        own = getattr(getattr(request.user, "staff", None), "staff_no", None)
        if by != "agent" or not own or (key not in (None, own)):
            raise NotAllowed("话务员只能查看本人指标（by=agent，key=本人工号）", rule="own_only")
        key = own
    check_period_dates({"date": date, "month": month, "start": start, "end": end})
    try:
        p = periods.parse(period, today=selectors.local_today(center), on=date, month=month, start=start, end=end)
    except periods.PeriodError as exc:
        raise RuleViolation(str(exc), field=exc.field, rule="period") from None
    spec = selectors.spec_for(center)
    if by == "center":
        key = engine.CENTER_KEY
    vals = selectors.period_values(center, p, by, key=key, spec=spec)
    keys = [key] if key else selectors.keys_of(vals)
    out = []
    for k in keys:
        label = selectors.key_label(center, by, k)
        for r in selectors.rows_for(vals, k, spec, by=by):
            out.append(
                ValueOut(
                    metric=r.code,
                    name=r.metric.name,
                    key=k,
                    label=label,
                    numerator=r.num,
                    denominator=r.den,
                    value=None if r.value is None else float(r.value),
                    shown=r.shown,
                    status=r.status,
                    target=r.target,
                )
            )
    return ValuesOut(period=p.kind, start=p.start.isoformat(), end=p.end.isoformat(), by=by, values=out)


@op(router.get, "/wallboard", "kpi.wallboard", response=WallboardOut)
def wallboard(request):
    b = selectors.wallboard(center_of(request.user))
    return WallboardOut(
        now=b["now"],
        waiting=b["waiting"],
        longest_wait=b["longest_wait"],
        service_level=b["sl"],
        service_level_status=b["sl_status"],
        abandon_rate=b["abandon"],
        abandon_rate_status=b["abandon_status"],
        answered=b["answered"],
        offered=b["offered"],
        agents=AgentsOut(**b["agents"]),
    )


@op(router.post, "/refresh", "kpi.refresh", response=RefreshOut)
def refresh(request, payload: RefreshIn):
    """Recompute the stored rollups of a date range (the importers call the service directly)."""
    return RefreshOut(rows=services.refresh_rollups(center_of(request.user), payload.start, payload.end))
