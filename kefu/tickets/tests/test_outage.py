"""Redis down (cache and broker on a closed port): orders are still created and dispatched, no 500 after a commit,
and the deadline check is not lost — the deadline lives on the order and the periodic scan reads it there."""

import json
import logging
import socket
from datetime import timedelta

import pytest
from celery import Celery
from django.test import override_settings
from django.utils import timezone

from kefu.tickets.models import Order


def closed_port() -> int:
    """A local port nobody listens on: bound then released, so a connection to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_down(monkeypatch):
    """Production settings (a broker, the Redis cache) with Redis unreachable. The deadline task is published
    through a Celery app whose broker is the closed port, with the product's own publish call."""
    from kefu.tickets import tasks

    url = f"redis://127.0.0.1:{closed_port()}/0"
    outage = Celery("kefu-outage", broker=url, set_as_current=False)
    outage.conf.broker_connection_timeout = 1
    dead_check = outage.task(name="tickets.check_order")(tasks.check_order.run)
    monkeypatch.setattr(tasks, "check_order", dead_check)
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=caches, CELERY_TASK_ALWAYS_EAGER=False):
        yield url
    outage.close()


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Overrides conftest's: its cache.clear() would reach the unreachable Redis of these tests."""
    yield


@pytest.mark.django_db(transaction=True)
def test_create_and_dispatch_answer_while_redis_is_down_and_the_deadline_is_kept(org, client_for, redis_down, caplog):
    from kefu.tickets import services

    agent, disp = client_for(org.agent), client_for(org.dispatcher)
    r = post(
        agent,
        "/api/tickets/orders",
        {
            "kind": "complaint",
            "phone": "13800138000",
            "customer_name": "张三",
            "subject": "话费多扣",
            "description": "本月多扣50元",
            "category": "tariff",
            "level": 2,
        },
    )
    assert r.status_code == 201, r.content  # the calendar is built from the database when the cache is down
    oid = r.json()["id"]
    assert (
        post(
            disp, f"/api/tickets/orders/{oid}/transitions", {"name": "review", "version": 1, "review_opinion": "有效"}
        ).status_code
        == 200
    )
    deadline = timezone.now() + timedelta(hours=2)
    with caplog.at_level(logging.WARNING, logger="kefu.tickets.services"):
        r = post(
            disp,
            f"/api/tickets/orders/{oid}/transitions",
            {
                "name": "dispatch",
                "version": 2,
                "dispatch_opinion": "核查",
                "department": "billing",
                "handling_deadline": deadline.isoformat(),
            },
        )
    assert r.status_code == 200, r.content  # committed, and answered as committed: the refused message is logged
    assert r.json()["state"] == "processing"
    assert any("tickets-deadlines" in rec.getMessage() for rec in caplog.records)
    # The timer is the deadline stored on the order: the periodic scan (beat / kefu run-timers) fires it.
    order = Order.objects.get(pk=oid)
    assert order.handling_deadline is not None and not order.is_overdue
    assert services.scan_deadlines(order.handling_deadline + timedelta(minutes=1)).get("overdue") == 1
    assert Order.objects.get(pk=oid).is_overdue


def test_schedule_check_swallows_a_refused_publish(redis_down, caplog):
    from kefu.tickets.services import _schedule_check

    with caplog.at_level(logging.WARNING, logger="kefu.tickets.services"):
        _schedule_check(12345, timezone.now() + timedelta(hours=1))  # must not raise
    assert "12345" in caplog.text


def test_calendar_is_built_without_the_cache(db, redis_down):
    from kefu.workcal import services

    services.invalidate()  # unreachable: logged, not raised
    cal = services.center_calendar()
    assert cal.is_working_day(timezone.localdate()) in (True, False)
    services.set_override(timezone.localdate() + timedelta(days=400), is_working_day=False, name="测试")
    assert not services.center_calendar().is_working_day(timezone.localdate() + timedelta(days=400))
