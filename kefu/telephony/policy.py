"""Telephony import settings per center (policy section "telephony")."""

from pydantic import Field

from kefu.org.policy_types import Choice, Int, Map, Num, PolicyModel, Text

SECTION = "telephony"


class TelephonyPolicy(PolicyModel):
    """话务数据：导入 Asterisk 话单的口径与批量、主叫号码保存期限。"""

    legacy_transfer_kind: Choice("blind", "attended", "") = Field(
        description="Asterisk 12 以前的 TRANSFER 记录按哪种转接计：blind 盲转，attended 告知后转接，空＝不区分"
    )  # 004:L1669
    ring_cycle_seconds: Num(gt=0) = Field(
        description="一次振铃的周期（秒）：振铃次数＝振铃时长 ÷ 周期，向上取整"
    )  # 004:L1445
    agent_map: Map(Text(min_length=1, max_length=20)) = Field(
        description='座席接口名与工号不同时的对照表，如 {"SIP/zhang": "1001"}'
    )  # not from the seeds
    batch_size: Int(ge=100) = Field(description="导入时每批写入的行数")  # not from the seeds
    caller_retention_days: Int(ge=1) = Field(
        description="主叫号码最后一次来电后保存的天数，到期销毁号码（通话记录保留）"
    )  # SPEC privacy


MODEL = TelephonyPolicy

_BASE = {
    # TRANSFER lines of Asterisk < 12 do not say blind or attended: the center decided once which it uses (004:L1669).
    "legacy_transfer_kind": "blind",
    # One ring heard by the caller = 1 s tone + 4 s silence; rings = ceil(ring time / cycle) (rings, 004:L1445).
    "ring_cycle_seconds": 5,
    # Agent interfaces whose name is not the staff number: {"SIP/zhang": "1001"}.
    "agent_map": {},
    # Rows per INSERT batch.
    "batch_size": 5000,
    # A caller number whose last call is older than this many days is destroyed (SPEC privacy: retention schedule);
    # the calls stay, without the number. The same period as archived work orders (tickets policy retention_days).
    "caller_retention_days": 730,
}

PRESETS = {
    "hotline": dict(_BASE),
    "gov12345": dict(_BASE),
    # E-commerce teams mostly transfer to a specialist group with an announcement.
    "ecommerce": dict(_BASE, legacy_transfer_kind="attended"),
}


def validate(data: dict) -> list[tuple[str, str]]:
    problems = []
    if data.get("legacy_transfer_kind") not in ("blind", "attended", ""):
        problems.append(
            ("legacy_transfer_kind", "旧版 TRANSFER 的转接方式只能是 blind（盲转）、attended（告知后转接）或空")
        )
    cycle = data.get("ring_cycle_seconds")
    if not isinstance(cycle, (int, float)) or cycle <= 0:
        problems.append(("ring_cycle_seconds", "振铃周期（秒）必须是正数"))
    if not isinstance(data.get("agent_map", {}), dict):
        problems.append(("agent_map", "座席映射必须是“接口→工号”的字典"))
    days = data.get("caller_retention_days", 730)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        problems.append(("caller_retention_days", "主叫号码保存天数必须是不小于 1 的整数"))
    size = data.get("batch_size")
    if not isinstance(size, int) or size < 100:
        problems.append(("batch_size", "批量写入行数必须是不小于 100 的整数"))
    return problems
