"""通知发送参数 (notification delivery). Read with policy_for("notify", center).

No seed gives numbers for retries; these are our defaults, the same for every preset:
- max_attempts: tries before a send is marked failed (stops retrying).
- backoff_base_seconds / backoff_cap_seconds: wait after the n-th failed try = base × 2^(n-1), at most cap.
- lease_seconds: a send claimed for this long without an outcome (the worker died mid-send) is marked "unknown"
  and never re-sent automatically (an administrator may re-queue it): nothing is sent twice.
- public_url: the address staff open links at (https://kefu.example.cn); empty: links are sent as paths.
"""

from __future__ import annotations

from pydantic import Field

from kefu.org.policy_types import Int, PolicyModel, Text

SECTION = "notify"


class NotifyPolicy(PolicyModel):
    """通知发送：失败重试次数与间隔、发送租约、站点地址。"""

    max_attempts: Int(ge=1) = Field(description="发送失败后最多尝试的次数，之后标记为失败")  # not from the seeds
    backoff_base_seconds: Int(ge=1) = Field(
        description="第 n 次失败后等待 基数 × 2^(n-1) 秒再试：基数"
    )  # not from the seeds
    backoff_cap_seconds: Int(ge=1) = Field(description="重试等待的上限（秒）")  # not from the seeds
    lease_seconds: Int(ge=1) = Field(
        description="发送被领取后超过此秒数仍无结果，标记为“结果不明”，不再自动重发"
    )  # not from the seeds
    public_url: Text(max_length=200) = Field(
        description="员工打开链接的站点地址（如 https://kefu.example.cn）；空＝链接只写路径"
    )  # not from the seeds


MODEL = NotifyPolicy

_DEFAULTS = {
    "max_attempts": 6,
    "backoff_base_seconds": 60,
    "backoff_cap_seconds": 3600,
    "lease_seconds": 600,
    "public_url": "",
}

PRESETS = {"hotline": dict(_DEFAULTS), "gov12345": dict(_DEFAULTS), "ecommerce": dict(_DEFAULTS)}


def validate(data: dict) -> list[tuple[str, str]]:
    """What the model (NotifyPolicy) cannot say: the address is a web address."""
    url = data.get("public_url")
    if url and not str(url).startswith(("http://", "https://")):
        return [("public_url", "应以 http:// 或 https:// 开头")]
    return []
