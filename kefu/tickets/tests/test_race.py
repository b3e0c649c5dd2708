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
                services.transition(Order.objects.get(pk=order.pk), "dispatch", org.dispatcher, 2,
                                    dispatch_opinion=opinion, department=dept)
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

    threads = [threading.Thread(target=fire, args=("甲意见", "billing")), threading.Thread(target=fire, args=("乙意见", "network"))]
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
