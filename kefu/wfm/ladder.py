"""Running the floor: the textbook's emergency staffing ladder as a pure state machine (004:L763-787).

Input: the live inbound waiting count W, observed over time.  Output: at most one proposal at a time
for the shift supervisor (现场主管) to confirm.

Day (004:L767-773): while 5 < W (≤ 10) persists ≥ 5 min, sign in the next group — floating experts,
then 2-3 outbound seats, then 2-3 QC staff; after those three, W > 10 brings in 2-3 back-office staff.
If W stays above 10 after every step, propose emergency overtime (004:L775-777).  W above 10 before the
first three steps have run also counts as "more than 5" (the seed is silent; steps keep their order).
Sign-out (004:L781): W ≤ 5 for the period → sign the last group out (reverse order), one at a time.
Night (004:L785): one step — every non-traffic seat except 1 on-site supervisor joins inbound.
Holidays (004:L787): after the day steps, call in the 5-7 reserve seats kept on call.
Each persistence clock restarts when a step is confirmed: "第一步调整后 … 仍 … 已持续5分钟以上".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Step:
    group: str
    label: str
    seats: int | None
    trigger: str  # "band": W > band_low persisting; "over": W > band_high


@dataclass(frozen=True)
class LadderConfig:
    band_low: int = 5
    band_high: int = 10
    persist: timedelta = timedelta(minutes=5)
    signout_at_or_below: int = 5
    signout_persist: timedelta = timedelta(minutes=5)
    day_steps: tuple[Step, ...] = ()
    night_keep_supervisors: int = 1
    holiday_reserve_seats: int = 5

    @classmethod
    def from_policy(cls, ladder: dict) -> LadderConfig:
        return cls(
            band_low=int(ladder["band_low"]),
            band_high=int(ladder["band_high"]),
            persist=timedelta(minutes=ladder["persist_minutes"]),
            signout_at_or_below=int(ladder["signout_at_or_below"]),
            signout_persist=timedelta(minutes=ladder["signout_persist_minutes"]),
            day_steps=tuple(
                Step(s["group"], s["label"], s.get("seats"), s.get("trigger", "band")) for s in ladder["steps"]
            ),
            night_keep_supervisors=int(ladder["night_keep_supervisors"]),
            holiday_reserve_seats=int(ladder["holiday_reserve_seats"]),
        )

    def steps(self, *, night: bool, holiday: bool) -> tuple[Step, ...]:
        if night:  # 004:L785
            label = f"除{self.night_keep_supervisors}名现场业务督导外的全部非话务台席"
            return (Step("night_all", label, None, "band"),)
        steps = self.day_steps
        if holiday:  # 004:L787
            steps = steps + (Step("holiday_reserve", "节假日应急备班台席", self.holiday_reserve_seats, "band"),)
        return steps


OVERTIME = Step("overtime", "紧急加班（按所需台席数）", None, "over")  # 004:L775-777


@dataclass(frozen=True)
class LadderState:
    signed_in: tuple[str, ...] = ()  # groups in sign-in order (the stack for LIFO sign-out)
    high_since: datetime | None = None  # W > band_low continuously since
    low_since: datetime | None = None  # W <= signout level continuously since
    last_change_at: datetime | None = None  # last confirmed sign-in or sign-out
    last_waiting: int | None = None
    observed_at: datetime | None = None


@dataclass(frozen=True)
class Proposal:
    action: str  # "sign_in" | "sign_out"
    group: str
    label: str
    seats: int | None
    reason: str
    rule: str  # seed line
    extra: dict = field(default_factory=dict)


def observe(state: LadderState, now: datetime, waiting: int, cfg: LadderConfig) -> LadderState:
    """Fold one observation of the waiting count into the state (clocks start at the first sighting)."""
    if waiting < 0:
        raise ValueError("waiting must be >= 0")
    if state.observed_at is not None and now < state.observed_at:
        raise ValueError("observations must not go back in time")
    high = waiting > cfg.band_low
    low = waiting <= cfg.signout_at_or_below
    return replace(
        state,
        high_since=(state.high_since or now) if high else None,
        low_since=(state.low_since or now) if low else None,
        last_waiting=waiting,
        observed_at=now,
    )


def _held(since: datetime | None, last_change: datetime | None, now: datetime, needed: timedelta) -> bool:
    if since is None:
        return False
    start = max(since, last_change) if last_change else since
    return now - start >= needed


def due(
    state: LadderState,
    now: datetime,
    cfg: LadderConfig,
    *,
    night: bool = False,
    holiday: bool = False,
    overtime_seats: int | None = None,
) -> Proposal | None:
    """The step the supervisor should take now, or None."""
    waiting = state.last_waiting
    if waiting is None:
        return None
    steps = cfg.steps(night=night, holiday=holiday)
    done = len(state.signed_in)
    minutes = int(cfg.persist.total_seconds() // 60)
    if waiting > cfg.band_low:
        if done < len(steps):
            step = steps[done]
            if step.trigger == "over":
                if waiting > cfg.band_high:  # 004:L773: 立即
                    return Proposal(
                        "sign_in",
                        step.group,
                        step.label,
                        step.seats,
                        f"前{done}步调整后等待人数{waiting}人 > {cfg.band_high}人",
                        "004:L773",
                    )
                return None  # 5 < W <= 10 after steps 1-3: nothing more (step 4 needs W > 10)
            if _held(state.high_since, state.last_change_at, now, cfg.persist):
                rule = (
                    "004:L785"
                    if night
                    else ("004:L787" if step.group == "holiday_reserve" else f"004:L{767 + 2 * min(done, 2)}")
                )
                return Proposal(
                    "sign_in",
                    step.group,
                    step.label,
                    step.seats,
                    f"等待人数{waiting}人 > {cfg.band_low}人已持续{minutes}分钟以上（第{done + 1}步）",
                    rule,
                )
            return None
        if state.signed_in and state.signed_in[-1] == OVERTIME.group:
            return None
        if waiting > cfg.band_high and _held(state.high_since, state.last_change_at, now, cfg.persist):
            return Proposal(
                "sign_in",
                OVERTIME.group,
                OVERTIME.label,
                overtime_seats,
                f"各步调整后等待人数{waiting}人仍 > {cfg.band_high}人",
                "004:L777",
            )
        return None
    if (
        state.signed_in
        and waiting <= cfg.signout_at_or_below
        and _held(state.low_since, state.last_change_at, now, cfg.signout_persist)
    ):
        group = state.signed_in[-1]
        label = _label(group, cfg, night=night, holiday=holiday)
        return Proposal(
            "sign_out",
            group,
            label,
            None,
            f"等待人数{waiting}人 ≤ {cfg.signout_at_or_below}人，按签入顺序反方向签出",
            "004:L781",
        )
    return None


def _label(group: str, cfg: LadderConfig, *, night: bool, holiday: bool) -> str:
    for step in (
        cfg.steps(night=night, holiday=holiday) + cfg.day_steps + (OVERTIME,) + cfg.steps(night=True, holiday=False)
    ):
        if step.group == group:
            return step.label
    return group


def confirm(state: LadderState, proposal: Proposal, now: datetime) -> LadderState:
    """The supervisor confirmed `proposal`: push (sign in) or pop (sign out) the group; clocks restart."""
    if proposal.action == "sign_in":
        if proposal.group in state.signed_in:
            raise ValueError(f"{proposal.group} already signed in")
        return replace(state, signed_in=state.signed_in + (proposal.group,), last_change_at=now)
    if proposal.action == "sign_out":
        if not state.signed_in or state.signed_in[-1] != proposal.group:
            raise ValueError("sign-out must follow the reverse order of sign-in")
        return replace(state, signed_in=state.signed_in[:-1], last_change_at=now)
    raise ValueError(f"unknown action {proposal.action}")
