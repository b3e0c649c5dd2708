"""The paths every creation and transition takes, made cheap without losing what they promise."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kefu.messages import render
from kefu.tickets import machine, services
from kefu.tickets.models import Order, OrderEvent, OrderSequence


def _retrying(fn):
    # The SQLite test database is in-memory with a shared cache, where a busy table fails at once ("table is
    # locked") instead of waiting busy_timeout as the WAL file database does: wait here (as test_race does).
    for _ in range(500):
        try:
            return fn()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("database stayed locked")


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_get_distinct_consecutive_numbers(org):
    """The daily sequence is one UPDATE ... RETURNING: six agents at once, six numbers, none twice."""
    barrier = threading.Barrier(6)
    numbers, errors = [], []

    def accept(i):
        try:
            barrier.wait(timeout=10)
            order = _retrying(
                lambda: services.create_order(
                    org.center,
                    org.agent,
                    {"kind": "consultation", "phone": f"1380013{i:04d}", "subject": "咨询", "description": "资费咨询"},
                )
            )
            numbers.append(order.number)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert len(set(numbers)) == 6
    prefix = numbers[0][:10]
    assert sorted(int(n[10:]) for n in numbers) == [1, 2, 3, 4, 5, 6] and all(n[:10] == prefix for n in numbers)
    assert sorted(Order.objects.values_list("number", flat=True)) == sorted(numbers)
    assert OrderSequence.objects.get().last == 6


def test_sequence_starts_each_day_at_one(org, new_order):
    first = new_order(accepted_at="2026-11-20T09:00:00+08:00")
    second = new_order(accepted_at="2026-11-20T10:00:00+08:00", phone="13900139000")
    other_day = new_order(accepted_at="2026-11-21T09:00:00+08:00", phone="13900139001")
    assert (first.number, second.number, other_day.number) == ("GD202611200001", "GD202611200002", "GD202611210001")


def test_repeat_complaint_still_found_for_a_known_caller(org, new_order):
    """004:L1327, L2013: a known caller's complaint in the same category within the window is a repeat."""
    first = new_order()
    with CaptureQueriesContext(connection) as ctx:
        second = new_order()
    assert second.is_repeat and second.original_id == first.pk and second.priority == 2
    event = OrderEvent.objects.get(order=second, name="accept")
    assert (event.note_code, event.params) == ("tickets.event.repeat_of", {"number": first.number})
    assert render(event.note_code, event.params) == f"重复投诉，关联原工单 {first.number}"
    assert sum('FROM "tickets_order"' in q["sql"] for q in ctx.captured_queries) == 1


def test_a_new_caller_skips_the_repeat_lookup(org, new_order):
    with CaptureQueriesContext(connection) as ctx:
        order = new_order(phone="13700137000")
    assert not order.is_repeat and order.original_id is None
    assert not any('FROM "tickets_order"' in q["sql"] for q in ctx.captured_queries)


def test_transition_returns_what_the_database_holds(org, new_order, fire):
    order = new_order()
    steps = [
        ("review", org.dispatcher, {"review_opinion": "有效", "level": 3}),
        ("dispatch", org.dispatcher, {"dispatch_opinion": "请核查", "department": "billing"}),
        ("resolve", org.handler, {"result": "已退费", "cause": "重复扣费"}),
        ("reply", org.agent, {"reply_opinion": "已告知", "satisfaction": "dissatisfied"}),
        ("redispatch", org.dispatcher, {"dispatch_opinion": "再核查"}),  # department from the flow template
    ]
    for name, actor, fields in steps:
        done = fire(order, name, actor, **fields)
        stored = Order.objects.get(pk=order.pk)
        for field in Order._meta.concrete_fields:
            assert getattr(done, field.attname) == getattr(stored, field.attname), (name, field.name)
        if done.department_id:
            assert done.department.pk == done.department_id
    assert done.state == machine.PROCESSING and done.version == 6 and done.department.code == "billing"


def _api(staff):
    from kefu.org.models import ApiToken

    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(staff.user, 't')[1]}")


def test_api_transition_of_another_centers_order_is_not_found(org, new_order, make_staff):
    from kefu.org import services as org_services

    order = new_order()
    other = org_services.create_center("other", "其他中心")
    outsider = org_services.create_staff(other, staff_no="7777", name="外中心", roles=["dispatcher"], username="u7777")
    r = _api(outsider).post(
        f"/api/tickets/orders/{order.pk}/transitions",
        json.dumps({"name": "review", "version": 1, "review_opinion": "有效"}),
        content_type="application/json",
    )
    assert r.status_code == 404 and r.json()["detail"][0]["rule"] == "not_found"
    assert (
        Order.objects.get(pk=order.pk).version == 1
        and not OrderEvent.objects.filter(order=order, name="review").exists()
    )
    r = _api(org.dispatcher).post(
        "/api/tickets/orders/999999/transitions",
        json.dumps({"name": "review", "version": 1, "review_opinion": "有效"}),
        content_type="application/json",
    )
    assert r.status_code == 404


def test_api_create_answers_from_the_written_row(org):
    client = _api(org.agent)
    body = {
        "kind": "complaint",
        "phone": "13600136000",
        "subject": "信号差",
        "description": "小区信号差",
        "category": "network",
        "level": 1,
    }
    r = client.post("/api/tickets/orders", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    got, order = r.json(), Order.objects.get(pk=r.json()["id"])
    due = datetime.fromisoformat(got.pop("due_at").replace("Z", "+00:00"))
    assert got == {
        "id": order.pk,
        "number": order.number,
        "kind": "complaint",
        "state": "accepted",
        "state_label": "已受理",
        "version": 1,
        "level": 1,
        "priority": 0,
        "is_repeat": False,
        "is_overdue": False,
        "department": None,
    }
    assert abs(due - order.due_at) < timedelta(milliseconds=1)  # the JSON keeps milliseconds
    assert order.due_at - order.accepted_at == timedelta(hours=2)  # level 1: 2 hours (004:L1295)


def test_prepared_order_read_equals_select_related(org, new_order, fire):
    """kefu.prepared: the transition's one-statement read gives the instances select_related gives."""
    from kefu.tickets.services import _ORDER_FOR_TRANSITION

    plain = new_order()
    dispatched = fire(
        fire(new_order(phone="13500135000"), "review", org.dispatcher, review_opinion="有效"),
        "dispatch",
        org.dispatcher,
        dispatch_opinion="请核查",
        department="network",
    )
    for order in (plain, dispatched):
        got = _ORDER_FOR_TRANSITION.fetch([order.pk])
        orm = Order.objects.select_related("center", "department").get(pk=order.pk)
        for mine, theirs in zip(got, (orm, orm.center, orm.department)):
            if theirs is None:
                assert mine is None
                continue
            assert type(mine) is type(theirs) and mine.pk is not None
            for field in type(theirs)._meta.concrete_fields:
                assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
    assert _ORDER_FOR_TRANSITION.fetch([0]) is None
