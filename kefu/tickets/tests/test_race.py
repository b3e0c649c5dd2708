"""Two people fire a transition on the same order at once: exactly one wins (optimistic locking)."""

import threading
import time

import pytest
from django.db import OperationalError, connection

from kefu.errors import RuleViolation
from kefu.tickets import services
from kefu.tickets.models import Order, OrderEvent


@pytest.mark.django_db(transaction=True)
def test_two_threads_one_wins(org, new_order):
    order = new_order()
    services.transition(order, "review", org.dispatcher, 1, review_opinion="有效")
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(opinion, dept):
        # The SQLite test database is in-memory with a shared cache, where a busy table fails at once
        # ("table is locked") instead of waiting busy_timeout as the WAL file database does: wait here.
        for _ in range(200):
            try:
                services.transition(
                    Order.objects.get(pk=order.pk),
                    "dispatch",
                    org.dispatcher,
                    2,
                    dispatch_opinion=opinion,
                    department=dept,
                )
                return
            except OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                time.sleep(0.01)
        raise AssertionError("database stayed locked")

    def fire(opinion, dept):
        try:
            barrier.wait(timeout=10)
            attempt(opinion, dept)
            outcomes.append(("ok", opinion))
        except RuleViolation as exc:
            outcomes.append(("conflict", exc.status, exc.problems[0].field))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=fire, args=("甲意见", "billing")),
        threading.Thread(target=fire, args=("乙意见", "network")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o[0] for o in outcomes) == ["conflict", "ok"], outcomes
    conflict = next(o for o in outcomes if o[0] == "conflict")
    assert conflict[1:] == (409, "version")
    final = Order.objects.get(pk=order.pk)
    winner = next(o[1] for o in outcomes if o[0] == "ok")
    assert final.version == 3 and final.dispatch_opinion == winner
    assert OrderEvent.objects.filter(order=order, name="dispatch").count() == 1


@pytest.mark.django_db(transaction=True)
def test_merging_a_pair_into_each_other_at_once_through_the_api_merges_once_and_never_deadlocks(
    org, new_order, client_for, monkeypatch
):
    """A into B and B into A at the same moment, each through the API (which hands the service an unsaved
    Order(pk=...)). Each merge's lock on its own order is held a moment longer: locking its own order first, each
    would then wait for the other's and PostgreSQL would abort one with a deadlock (a 500). The merge transition
    declares the survivor as a row it locks, and the kernel locks both lower id first before reading either: the
    second merge waits, then is refused (its order has a new version), and exactly one merge happens."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite runs one writer at a time (IMMEDIATE transactions), nothing to deadlock")
    a, b = new_order(), new_order(phone="13900139000")
    real_lock = services.lock_order

    def slow_lock(order_id, center):
        found = real_lock(order_id, center)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(services, "lock_order", slow_lock)
    clients = {a.pk: client_for(org.dispatcher), b.pk: client_for(org.supervisor)}
    barrier = threading.Barrier(2)
    outcomes = []

    def merge(dup, survivor):
        try:
            barrier.wait(timeout=10)
            r = clients[dup.pk].post(
                f"/api/tickets/orders/{dup.pk}/merge",
                content_type="application/json",
                data={"version": 1, "into": survivor.number},
            )
            outcomes.append((r.status_code, r.json()["detail"][0]["rule"] if r.status_code != 200 else ""))
        except Exception as exc:  # noqa: BLE001 - a deadlock (a database error) is what this test catches
            outcomes.append(("error", type(exc).__name__, str(exc)[:120]))
        finally:
            connection.close()

    threads = [threading.Thread(target=merge, args=(a, b)), threading.Thread(target=merge, args=(b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == [(200, ""), (409, "workflow.version_conflict")], outcomes
    states = sorted(Order.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True))
    assert states == ["accepted", "merged"], states
    assert OrderEvent.objects.filter(code="tickets.event.merged_in").count() == 1
