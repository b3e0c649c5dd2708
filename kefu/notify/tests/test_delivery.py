"""Delivery for real on loopback: a local SMTP server receives the e-mail, a local HTTP receiver the WeCom,
DingTalk and SMS calls with their exact bodies; a failing receiver gets retries with back-off; nothing is lost or
sent twice; quiet hours hold back all but urgent sends; a bad webhook URL is refused in Chinese."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from kefu.errors import RuleViolation
from kefu.notify import services
from kefu.notify.models import Channel, Notification, Outbox, Preference
from kefu.notify.tests.loopback import HTTPReceiver, SMTPServer, serve
from kefu.scope import scope_of

NOW = timezone.make_aware(datetime(2026, 12, 7, 10, 0))


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    serve(server)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "kefu@localhost"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def http():
    server = HTTPReceiver()
    serve(server)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def agent(make_staff):
    return make_staff("agent", staff_no="2001")


def prefer(staff, **kw):
    return Preference.objects.create(
        staff=staff, email=kw.pop("email", "a2001@example.cn"), mobile=kw.pop("mobile", "13800138000"), **kw
    )


def channel(center, kind, url, secret=""):
    return Channel.objects.create(center=center, kind=kind, name=kind, url=url, secret=secret)


def test_email_reaches_a_local_smtp_server_once(smtp, agent):
    prefer(agent, by_email=True)
    services.notify([agent], "notify.test", params={"channel": "邮件"}, link="/followup/", key="t1", now=NOW)
    services.notify([agent], "notify.test", params={"channel": "邮件"}, link="/followup/", key="t1", now=NOW)
    assert services.deliver_due(NOW) == {"sent": 1, "retry": 0, "failed": 0, "unknown": 0}
    assert services.deliver_due(NOW + timedelta(hours=1))["sent"] == 0
    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert mail["to"] == ["a2001@example.cn"]
    assert mail["message"]["Subject"] == "客服中心通知"
    body = mail["message"].get_content()
    assert "这是一条测试通知，收到即表示渠道配置正确（邮件）" in body and "查看：/followup/" in body
    assert Notification.objects.filter(recipient=agent).count() == 1
    assert Outbox.objects.get().state == Outbox.State.SENT


def test_wecom_dingtalk_and_sms_bodies_arrive_exactly(http, agent, center):
    prefer(agent, by_sms=True, by_wecom=True, by_dingtalk=True)
    channel(center, "sms", http.url + "/sms", secret="KEY-1")
    channel(center, "wecom", http.url + "/cgi-bin/webhook/send?key=W1")
    channel(center, "dingtalk", http.url + "/robot/send?access_token=D1", secret="SEC123")
    services.notify([agent], "notify.test", params={"channel": "群"}, key="t2", now=NOW)
    assert services.deliver_due(NOW)["sent"] == 3
    text = "这是一条测试通知，收到即表示渠道配置正确（群）"
    by_path = {c["path"].split("?")[0]: c for c in http.calls}
    assert by_path["/sms"]["body"] == {"mobile": "13800138000", "content": text}
    assert by_path["/sms"]["headers"]["Authorization"] == "Bearer KEY-1"
    assert by_path["/cgi-bin/webhook/send"]["body"] == {
        "msgtype": "text",
        "text": {"content": text, "mentioned_mobile_list": ["13800138000"]},
    }
    assert by_path["/robot/send"]["body"] == {
        "msgtype": "text",
        "text": {"content": text},
        "at": {"atMobiles": ["13800138000"], "isAtAll": False},
    }
    assert "timestamp=" in by_path["/robot/send"]["path"] and "sign=" in by_path["/robot/send"]["path"]
    assert len(http.calls) == 3


@pytest.mark.parametrize("fail_with", ["status", "errcode"])
def test_a_failing_receiver_gets_retries_with_backoff_and_one_success(http, agent, center, fail_with):
    prefer(agent, by_wecom=True)
    channel(center, "wecom", http.url + "/hook")
    http.fail_next, http.fail_with = 2, fail_with
    services.notify([agent], "notify.test", params={"channel": "企业微信"}, key="t3", now=NOW)
    assert services.deliver_due(NOW)["retry"] == 1
    row = Outbox.objects.get()
    assert (row.state, row.attempts, row.next_at) == ("pending", 1, NOW + timedelta(seconds=60))
    assert services.deliver_due(NOW + timedelta(seconds=59))["retry"] == 0  # not yet due: no call
    assert len(http.calls) == 1
    assert services.deliver_due(NOW + timedelta(seconds=60))["retry"] == 1
    row.refresh_from_db()
    assert (row.attempts, row.next_at) == (2, NOW + timedelta(seconds=180))  # waited 120 s more
    assert services.deliver_due(NOW + timedelta(seconds=180))["sent"] == 1
    assert services.deliver_due(NOW + timedelta(days=1))["sent"] == 0
    assert len(http.calls) == 3 and Outbox.objects.get().state == "sent"


def test_gives_up_after_the_policy_attempts_and_keeps_the_row(http, agent, center):
    prefer(agent, by_wecom=True)
    channel(center, "wecom", http.url + "/hook")
    http.fail_next = 100
    services.notify([agent], "notify.test", params={"channel": "x"}, key="t4", now=NOW)
    moment = NOW
    for _ in range(6):
        services.deliver_due(moment)
        moment += timedelta(hours=2)
    row = Outbox.objects.get()
    assert (row.state, row.attempts) == ("failed", 6) and row.last_error == "HTTP 500"
    services.deliver_due(moment)
    assert len(http.calls) == 6


def test_a_send_claimed_by_a_dead_worker_is_not_sent_again(http, agent, center):
    prefer(agent, by_wecom=True)
    channel(center, "wecom", http.url + "/hook")
    services.notify([agent], "notify.test", params={"channel": "x"}, key="t5", now=NOW)
    Outbox.objects.update(state="sending", claimed_at=NOW)  # a worker took it and died
    assert services.deliver_due(NOW + timedelta(minutes=5)) == {"sent": 0, "retry": 0, "failed": 0, "unknown": 0}
    assert services.deliver_due(NOW + timedelta(minutes=11))["unknown"] == 1
    assert Outbox.objects.get().state == "unknown" and http.calls == []


def test_quiet_hours_hold_back_ordinary_sends_but_not_urgent_ones(http, agent, center):
    prefer(agent, by_wecom=True, quiet_start=time(22), quiet_end=time(7))
    channel(center, "wecom", http.url + "/hook")
    night = timezone.make_aware(datetime(2026, 12, 7, 23, 30))
    services.notify([agent], "notify.test", params={"channel": "普通"}, key="q1", now=night)
    services.notify([agent], "notify.test", params={"channel": "升级"}, key="q2", urgent=True, now=night)
    assert services.deliver_due(night)["sent"] == 1
    assert http.calls[0]["body"]["text"]["content"].endswith("（升级）")
    morning = timezone.make_aware(datetime(2026, 12, 8, 7, 0))
    assert services.deliver_due(morning - timedelta(minutes=1))["sent"] == 0
    assert services.deliver_due(morning)["sent"] == 1
    assert Notification.objects.filter(recipient=agent).count() == 2  # in-app at once, both


def test_notify_never_fails_the_callers_write(agent, center, monkeypatch):
    from django.db import transaction

    from kefu.org.models import Center

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(services, "_queue_one", broken)
    with transaction.atomic():
        Center.objects.filter(pk=center.pk).update(name="改名中心")
        assert services.notify([agent], "notify.test", params={"channel": "x"}, key="t6") == 0
    center.refresh_from_db()
    assert center.name == "改名中心"


@pytest.mark.parametrize(
    "url, rule",
    [
        ("ftp://example.com/hook", "notify.url.scheme"),
        ("qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "notify.url.scheme"),
        ("https://", "notify.url.host"),
        ("", "notify.url.required"),
    ],
)
def test_a_webhook_url_that_is_not_http_is_refused_in_chinese(make_staff, url, rule):
    admin = make_staff("admin", staff_no="9001")
    with pytest.raises(RuleViolation) as refused:
        services.save_channel(scope_of(admin), {"kind": "wecom", "name": "值班群", "url": url})
    problem = refused.value.problems[0]
    assert (problem.field, problem.rule) == ("url", rule)
    assert "通知地址" in str(problem.message)
    assert not Channel.objects.exists()


def test_api_refuses_a_bad_url_with_field_rule_and_message(make_staff, client_for):
    admin = make_staff("admin", staff_no="9002")
    response = client_for(admin).post(
        "/api/notify/channels", {"kind": "dingtalk", "name": "群", "url": "ftp://x/y"}, content_type="application/json"
    )
    assert response.status_code == 400
    detail = response.json()["detail"][0]
    assert detail["field"] == "url" and detail["rule"] == "notify.url.scheme"
    assert "不是 http:// 或 https:// 开头的网址" in detail["message"]


def test_preferences_refuse_bad_input_all_at_once(agent):
    with pytest.raises(RuleViolation) as refused:
        services.save_preference(
            scope_of(agent),
            {"email": "not-mail", "mobile": "12345", "quiet_start": "25:00", "quiet_end": "07:00", "by_sms": True},
        )
    assert {p.field for p in refused.value.problems} == {"email", "mobile", "quiet_start"}
    assert not Preference.objects.exists()


def test_notification_centre_api_unread_and_mark_all(agent, client_for):
    services.notify([agent], "notify.test", params={"channel": "A"}, link="/followup/", key="a")
    services.notify([agent], "notify.test", params={"channel": "B"}, key="b", urgent=True)
    client = client_for(agent)
    mine = client.get("/api/notify/mine").json()
    assert mine["unread"] == 2 and mine["items"][0]["text"].endswith("（B）") and mine["items"][0]["urgent"]
    assert client.post("/api/notify/read-all").json() == {"changed": 2, "unread": 0}
    assert client.get("/api/notify/mine").json()["unread"] == 0
