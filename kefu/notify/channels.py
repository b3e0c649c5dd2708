"""Delivery channels behind one interface: `send(via, address, text, subject, channel)` raises DeliveryFailed or
returns. Bodies follow each service's documented JSON:

- WeCom group robot (企业微信群机器人): POST {"msgtype": "text", "text": {"content", "mentioned_mobile_list"}},
  answer {"errcode": 0, "errmsg": "ok"}.
- DingTalk group robot (钉钉自定义机器人): POST {"msgtype": "text", "text": {"content"}, "at": {"atMobiles",
  "isAtAll"}}; with a signing secret (加签) the URL carries timestamp and sign = base64(HMAC-SHA256(secret,
  "timestamp\\nsecret")); answer {"errcode": 0}.
- SMS provider: POST {"mobile", "content"} with "Authorization: Bearer <key>"; any 2xx answer is accepted.
- E-mail: Django's mail API (EMAIL_* settings).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus

TIMEOUT_SECONDS = 10


class DeliveryFailed(Exception):
    """A send that did not go through; the outbox retries it later."""


def wecom_body(text: str, mobiles: list[str]) -> dict:
    return {"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mobiles}}


def dingtalk_body(text: str, mobiles: list[str]) -> dict:
    return {"msgtype": "text", "text": {"content": text}, "at": {"atMobiles": mobiles, "isAtAll": False}}


def sms_body(mobile: str, text: str) -> dict:
    return {"mobile": mobile, "content": text}


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot URL with DingTalk's signature (加签) appended."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    sign = base64.b64encode(hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()).decode()
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={quote_plus(sign)}"


def post_json(url: str, body: dict, headers: dict | None = None, *, check_errcode: bool = False) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked)
            answer = response.read(4096)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise DeliveryFailed(f"连接失败：{getattr(exc, 'reason', exc)}") from exc
    if check_errcode:
        try:
            errcode = json.loads(answer or b"{}").get("errcode", 0)
        except (ValueError, AttributeError) as exc:
            raise DeliveryFailed("应答不是 JSON") from exc
        if errcode not in (0, "0"):
            raise DeliveryFailed(f"errcode {errcode}")


def send_email(address: str, subject: str, text: str) -> None:
    from django.conf import settings
    from django.core.mail import EmailMessage

    message = EmailMessage(
        subject=subject, body=text, to=[address], from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None)
    )
    try:
        message.send(fail_silently=False)
    except (OSError, Exception) as exc:  # smtplib errors derive from OSError; backends may raise their own
        raise DeliveryFailed(f"邮件发送失败：{exc}") from exc


def send(via: str, *, address: str, text: str, subject: str, channel=None, now_ms: int | None = None) -> None:
    """Deliver one message. `channel` (a notify.Channel) gives the URL and secret of SMS and robots."""
    if via == "email":
        send_email(address, subject, text)
        return
    if channel is None or not channel.is_active:
        raise DeliveryFailed("渠道未配置或已停用")
    mobiles = [address] if address else []
    if via == "wecom":
        post_json(channel.url, wecom_body(text, mobiles), check_errcode=True)
    elif via == "dingtalk":
        url = channel.url
        if channel.secret:
            url = dingtalk_signed_url(url, channel.secret, now_ms if now_ms is not None else int(time.time() * 1000))
        post_json(url, dingtalk_body(text, mobiles), check_errcode=True)
    elif via == "sms":
        if not address:
            raise DeliveryFailed("没有手机号码")
        post_json(
            channel.url,
            sms_body(address, text),
            {"Authorization": f"Bearer {channel.secret}"} if channel.secret else {},
        )
    else:
        raise DeliveryFailed(f"未知渠道 {via}")
