"""Pure delivery rules: back-off, quiet hours, webhook addresses (hand-computed boundaries)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from kefu.notify import channels, rules


@pytest.mark.parametrize("attempts, expected", [(0, 0), (1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (20, 3600)])
def test_backoff_doubles_up_to_the_cap(attempts, expected):
    assert rules.backoff(attempts, 60, 3600) == timedelta(seconds=expected)


@pytest.mark.parametrize(
    "moment, start, end, quiet",
    [
        (time(21, 59), time(22), time(7), False),
        (time(22, 0), time(22), time(7), True),  # start is inside
        (time(3, 0), time(22), time(7), True),  # past midnight
        (time(6, 59), time(22), time(7), True),
        (time(7, 0), time(22), time(7), False),  # end is outside
        (time(12, 30), time(12), time(14), True),  # a lunch window on the same day
        (time(14, 0), time(12), time(14), False),
        (time(3, 0), None, None, False),
        (time(3, 0), time(8), time(8), False),  # an empty window
    ],
)
def test_quiet_hours(moment, start, end, quiet):
    assert rules.in_quiet_hours(moment, start, end) is quiet


def test_release_at_moves_a_quiet_send_to_the_end_of_the_window():
    assert rules.release_at(datetime(2026, 12, 7, 23, 10), time(22), time(7)) == datetime(2026, 12, 8, 7, 0)
    assert rules.release_at(datetime(2026, 12, 8, 3, 10), time(22), time(7)) == datetime(2026, 12, 8, 7, 0)
    assert rules.release_at(datetime(2026, 12, 8, 9, 0), time(22), time(7)) == datetime(2026, 12, 8, 9, 0)


@pytest.mark.parametrize(
    "url, problem",
    [
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", None),
        ("http://127.0.0.1:8080/sms", None),
        ("ftp://example.com/x", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("qyapi.weixin.qq.com/cgi-bin/webhook/send", "scheme"),
        ("https://", "host"),
        ("", "required"),
    ],
)
def test_webhook_addresses(url, problem):
    assert rules.webhook_problem(url) == problem


def test_robot_and_sms_bodies_follow_the_documented_json():
    assert channels.wecom_body("工单超时", ["13800138000"]) == {
        "msgtype": "text",
        "text": {"content": "工单超时", "mentioned_mobile_list": ["13800138000"]},
    }
    assert channels.dingtalk_body("工单超时", []) == {
        "msgtype": "text",
        "text": {"content": "工单超时"},
        "at": {"atMobiles": [], "isAtAll": False},
    }
    assert channels.sms_body("13800138000", "您好") == {"mobile": "13800138000", "content": "您好"}


def test_dingtalk_signature():
    # printf '1700000000000\nSEC123' | openssl dgst -sha256 -hmac SEC123 -binary | base64
    expected = "lkcPI1uoxBY1gUnCnnPH1Kkru0Hqjo7rFpA3haIVhEQ="
    url = channels.dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=T", "SEC123", 1700000000000)
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(url).query)
    assert query["access_token"] == ["T"] and query["timestamp"] == ["1700000000000"]
    assert query["sign"] == [expected]
