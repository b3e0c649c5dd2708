"""通知发送参数 (notification delivery). Read with policy_for("notify", center).

No seed gives numbers for retries; these are our defaults, the same for every preset:
- max_attempts: tries before a send is marked failed (stops retrying).
- backoff_base_seconds / backoff_cap_seconds: wait after the n-th failed try = base × 2^(n-1), at most cap.
- lease_seconds: a send claimed for this long without an outcome (the worker died mid-send) is marked "unknown"
  and never re-sent automatically (an administrator may re-queue it): nothing is sent twice.
- public_url: the address staff open links at (https://kefu.example.cn); empty: links are sent as paths.
"""
from __future__ import annotations

SECTION = "notify"

_DEFAULTS = {
    "max_attempts": 6,
    "backoff_base_seconds": 60,
    "backoff_cap_seconds": 3600,
    "lease_seconds": 600,
    "public_url": "",
}

PRESETS = {"hotline": dict(_DEFAULTS), "gov12345": dict(_DEFAULTS), "ecommerce": dict(_DEFAULTS)}


def validate(data: dict) -> list[tuple[str, str]]:
    errors = []
    for key in ("max_attempts", "backoff_base_seconds", "backoff_cap_seconds", "lease_seconds"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            errors.append((key, f"{key}：应为正整数"))
    url = data.get("public_url")
    if url and not str(url).startswith(("http://", "https://")):
        errors.append(("public_url", "public_url：应以 http:// 或 https:// 开头"))
    return errors
