"""KPI settings and targets as policy data (seed 004, chapter 4; SPEC "Decisions").

Targets are in display units: percent for rates, seconds for times, minutes for AHT (M4), count for
rings, calls/hour for M10. Target kinds: ge (不低于), le (不高于), eq (必须等于), band (区间, both ends
included), ref (参考值, no pass/fail).
"""

from __future__ import annotations

import copy

from pydantic import Field

from kefu.org.policy_types import Bool, Choice, Num, PolicyModel, Text

SECTION = "kpi"

_HOTLINE = {
    "short_abandon_seconds": 20,  # 004:L1555 短时放弃 ≤ 20 s, removed from both sides of M13 and M20
    "service_level_seconds": 20,  # 004:L1709 80/20, strictly "少于X秒"
    "answer_time_limit_seconds": 15,  # 004:L1307 人工应答时限 15 s (K4/K5)
    "unanswered_after_seconds": 60,  # 004:L1305 waited > 60 s = 未应答 (K2/K3)
    "timeout_reading": "A",  # K4 denominator: A = all agent answers (SPEC), B = only answers within 60 s
    "dedup_blocked_redials": True,  # 004:L1617 redials caused by blocking are not extra customers
    "redial_window_days": 30,  # 004:L1619 carriers' 30-day de-duplication window
    "asa_include_abandoned_wait": False,  # M8 numerator: answered calls only (SPEC decision)
    "consultation_reply_hours": 24,  # K8 "规定时间" is undefined in the seed; SPEC reply promise 24 h (004:L1247)
    "misdial_min_seconds": 1,  # 004:L1577 hang-ups within 1–5 s are misdials
    "misdial_max_seconds": 5,
    "aht_target_minutes": 6,  # 004:L1413 choose T in 3–10 min; band T ±15 %
    "aht_tolerance": 0.15,  # 004:L1413
    "targets": {
        "K1": {"kind": "ge", "value": 85, "seed": "004:L1301"},
        "K2": {"kind": "ge", "value": 85, "seed": "004:L1301"},
        "K3": {"kind": "ge", "value": 95, "seed": "004:L1301"},
        "K4": {"kind": "le", "value": 20, "seed": "004:L1307"},
        "K5": {"kind": "le", "value": 10, "seed": "004:L1307"},
        "K6": {"kind": "eq", "value": 100, "seed": "004:L1309"},
        "K7": {"kind": "eq", "value": 100, "seed": "004:L1313"},
        "K8": {"kind": "eq", "value": 100, "seed": "004:L1317"},
        "K9": {"kind": "eq", "value": 100, "seed": "004:L1317"},
        "K10": {"kind": "le", "value": 1, "seed": "004:L1323"},
        "K11": {"kind": "ge", "value": 95, "seed": "004:L1329"},
        "K12": {"kind": "ge", "value": 90, "seed": "004:L1333"},
        "K13": {"kind": "ge", "value": 85, "seed": "004:L1335"},
        "K14": {"kind": "ge", "value": 95, "seed": "004:L1337"},
        "M1": {"kind": "ge", "value": 92, "seed": "004:L1349"},
        "M2": {"kind": "le", "value": 60, "seed": "004:L1365"},
        "M3": {"kind": "ref", "value": 60, "seed": "004:L1399"},
        "M4": {"kind": "band", "low": 3, "high": 10, "seed": "004:L1413"},
        "M5": {"kind": "band", "low": 20, "high": 60, "seed": "004:L1429"},
        "M6": {"kind": "band", "low": 2, "high": 4, "seed": "004:L1449"},
        "M7": {"kind": "band", "low": 30, "high": 90, "seed": "004:L1463"},
        "M8": {"kind": "le", "value": 20, "seed": "004:L1483"},
        "M9": {"kind": "band", "low": 270, "high": 360, "seed": "004:L1497"},
        "M10": {"kind": "band", "low": 5, "high": 100, "seed": "004:L1521"},
        "M11": {"kind": "ref", "value": 100, "seed": "004:L1531"},
        "M12": {"kind": "ge", "value": 90, "seed": "004:L1545"},
        "M13": {"kind": "le", "value": 5, "low_hint": 3, "seed": "004:L1557"},
        "M14": {"kind": "ge", "value": 95, "seed": "004:L1591"},
        "M15": {"kind": "le", "value": 3, "seed": "004:L1605"},
        "M16": {"kind": "ge", "value": 85, "seed": "004:L1631"},
        "M17": {"kind": "band", "low": 10, "high": 20, "seed": "004:L1647"},
        "M18": {"kind": "le", "value": 1, "seed": "004:L1659"},
        "M19": {"kind": "ge", "value": 98, "seed": "004:L1685"},
        "M20": {"kind": "ge", "value": 80, "seed": "004:L1709"},
        "M21": {"kind": "ref", "value": None, "seed": "004:L1725"},
        "M22": {"kind": "band", "low": 15, "high": 30, "seed": "004:L1745"},
        "MISDIAL": {"kind": "le", "value": 30, "seed": "004:L1577"},
    },
}


def _variant(**changes) -> dict:
    data = copy.deepcopy(_HOTLINE)
    targets = changes.pop("targets", {})
    data.update(changes)
    for code, target in targets.items():
        data["targets"][code] = target
    return data


PRESETS = {
    "hotline": copy.deepcopy(_HOTLINE),
    # 12345 government hotlines: the textbook standards of seed 004 chapter 4 (no other numbers in the seeds).
    "gov12345": _variant(consultation_reply_hours=24),
    # Taobao rulebooks: first response ≤ 9 s (001:L149); missed calls called back within 3 h (001:L40).
    "ecommerce": _variant(
        answer_time_limit_seconds=9,  # 001:L149
        consultation_reply_hours=3,  # 001:L40
    ),
}

TARGET_KINDS = ("ge", "le", "eq", "band", "ref")


class Target(PolicyModel):
    """A KPI target in display units; which numbers it needs depends on its kind (checked by validate())."""

    kind: Choice(*TARGET_KINDS) = Field(
        description="目标类型：ge 不低于，le 不高于，eq 必须等于，band 区间，ref 参考值"
    )
    value: Num(null=True) = Field(default=None, description="ge/le/eq/ref 的目标值（ref 可为 null）")
    low: Num() = Field(default=None, description="band 区间的下限（含）")
    high: Num() = Field(default=None, description="band 区间的上限（含）")
    low_hint: Num() = Field(default=None, description="低于此值时另给提示（如放弃率过低）")
    seed: Text() = Field(default="", description="目标出处（制度条文的位置）")


class KpiPolicy(PolicyModel):
    """指标：各项服务标准和运营指标的口径与目标值。"""

    short_abandon_seconds: Num(gt=0) = Field(
        description="放弃时长不超过此秒数为短时放弃，不计入 M13、M20 的分子分母"
    )  # 004:L1555
    service_level_seconds: Num(gt=0) = Field(description="服务水平的时限 X：“少于 X 秒”接通")  # 004:L1709
    answer_time_limit_seconds: Num(gt=0) = Field(description="人工应答时限（秒），K4/K5 用")  # 004:L1307, 001:L149
    unanswered_after_seconds: Num(gt=0) = Field(description="等待超过此秒数的来电为未应答（K2/K3）")  # 004:L1305
    timeout_reading: Choice("A", "B") = Field(
        description="人工应答超时率的分母：A 全部人工应答，B 仅 60 秒内的应答"
    )  # SPEC decision
    dedup_blocked_redials: Bool() = Field(description="因占线重拨的同号来电不算新增客户（M15）")  # 004:L1617
    redial_window_days: Num(gt=0) = Field(description="重拨去重的时间窗（天）")  # 004:L1619
    asa_include_abandoned_wait: Bool() = Field(
        description="平均应答速度（M8）的分子是否计入放弃来电的等待"
    )  # SPEC decision
    consultation_reply_hours: Num(gt=0) = Field(
        description="工单无时限时，K8 的“规定时间”（小时）"
    )  # 004:L1247, 001:L40
    misdial_min_seconds: Num(ge=0) = Field(description="疑似误拨：放弃等待时长的下限（秒）")  # 004:L1577
    misdial_max_seconds: Num(ge=0) = Field(description="疑似误拨：放弃等待时长的上限（秒）")  # 004:L1577
    aht_target_minutes: Num(gt=0) = Field(description="平均处理时长（M4）的目标 T（分钟）")  # 004:L1413
    aht_tolerance: Num(ge=0, lt=1) = Field(description="平均处理时长的允许偏差（T 的比例，如 0.15）")  # 004:L1413
    targets: dict[str, Target] = Field(
        description="各指标代码的目标（显示单位：百分比、秒、分钟、次）"
    )  # each cites its seed


MODEL = KpiPolicy


def validate(data: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    for name in (
        "short_abandon_seconds",
        "service_level_seconds",
        "answer_time_limit_seconds",
        "unanswered_after_seconds",
        "redial_window_days",
        "consultation_reply_hours",
        "aht_target_minutes",
    ):
        value = data.get(name)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            errors.append((name, "必须为正数"))
    if data.get("timeout_reading") not in ("A", "B"):
        errors.append(("timeout_reading", "人工应答超时率口径只能是 A 或 B"))
    tol = data.get("aht_tolerance")
    if not isinstance(tol, (int, float)) or not 0 <= tol < 1:
        errors.append(("aht_tolerance", "AHT 允许偏差必须在 0 到 1 之间"))
    if data.get("misdial_min_seconds", 0) > data.get("misdial_max_seconds", 0):
        errors.append(("misdial_min_seconds", "误拨时长下限不能大于上限"))
    for code, target in (data.get("targets") or {}).items():
        kind = target.get("kind") if isinstance(target, dict) else None
        if kind not in TARGET_KINDS:
            errors.append((f"targets.{code}.kind", f"目标类型只能是 {'/'.join(TARGET_KINDS)}"))
        elif kind == "band" and not (
            isinstance(target.get("low"), (int, float))
            and isinstance(target.get("high"), (int, float))
            and target["low"] <= target["high"]
        ):
            errors.append((f"targets.{code}", "区间目标需要 low ≤ high"))
        elif kind in ("ge", "le", "eq") and not isinstance(target.get("value"), (int, float)):
            errors.append((f"targets.{code}.value", "目标值必须为数字"))
    return errors
