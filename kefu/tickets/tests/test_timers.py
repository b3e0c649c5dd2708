"""Overdue detection, reminders, the escalation ladder (004:L2159, L2181) and retention."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.audit.models import AuditRecord
from kefu.customers.models import Customer
from kefu.tickets import services
from kefu.tickets.models import Escalation, Order, OrderEvent, Reminder


@pytest.fixture
def processing(org, new_order, fire):
    def make(level=1, **data):
        order = new_order(level=level, **data)
        fire(order, "review", org.dispatcher, review_opinion="有效")
        return fire(order, "dispatch", org.dispatcher, dispatch_opinion="请处理", department="billing")

    return make


def test_reminder_before_deadline_once(org, processing):
    order = processing(level=1)  # due in 2 h; reminder 60 min before (policy)
    assert services.scan_deadlines(timezone.now()) == {}
    soon = order.due_at - timedelta(minutes=30)
    assert services.scan_deadlines(soon) == {"remind": 1}
    assert services.scan_deadlines(soon + timedelta(minutes=1)) == {}
    reminder = Reminder.objects.get(order=order)
    assert reminder.to == org.handler  # the department's liaison


def test_escalation_ladder_leader_then_executive(org, processing):
    """004:L2181: overdue -> written report to the department leader; still overdue -> executive in charge."""
    order = processing(level=1)
    late = order.due_at + timedelta(minutes=1)
    assert services.scan_deadlines(late) == {"overdue": 1, "escalate1": 1}
    assert Order.objects.get(pk=order.pk).is_overdue
    step1 = Escalation.objects.get(order=order, step=1)
    assert step1.to == org.leader
    # the interval (policy, 24 h) has not passed: nothing more
    assert services.scan_deadlines(late + timedelta(hours=23)) == {}
    assert services.scan_deadlines(late + timedelta(hours=24)) == {"escalate2": 1}
    assert Escalation.objects.get(order=order, step=2).to == org.manager
    assert services.scan_deadlines(late + timedelta(hours=48)) == {}
    names = list(OrderEvent.objects.filter(order=order).values_list("name", flat=True))
    assert names.count("escalate") == 2 and names.count("overdue") == 1


def test_escalation_interval_is_policy(org, processing):
    from kefu.org.services import update_policy

    update_policy(org.center, preset="hotline", overrides={"tickets": {"escalation_interval_hours": 1}})
    order = processing(level=1)
    late = order.due_at + timedelta(minutes=1)
    services.scan_deadlines(late)
    assert services.scan_deadlines(late + timedelta(hours=1)) == {"escalate2": 1}


def test_coordination_overdue_at_feedback_deadline(org, new_order, fire):
    order = new_order(kind="coordination", coordination_origin="宁波", level=4)  # 004:L2179-2181
    deadline = timezone.now() + timedelta(hours=5)
    fire(
        order,
        "coordinate",
        org.dispatcher,
        dispatch_opinion="请限期反馈",
        department="billing",
        handling_deadline=deadline.isoformat(),
    )
    assert services.scan_deadlines(deadline + timedelta(seconds=1)) == {"overdue": 1, "escalate1": 1}


def test_replied_orders_are_not_overdue(org, new_order, fire):
    order = new_order(kind="consultation")
    fire(order, "answer", org.agent, reply_opinion="已答", satisfaction="satisfied")
    assert services.scan_deadlines(timezone.now() + timedelta(days=30)) == {}


def test_periodic_task_is_registered():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["tickets-deadlines"]["task"] == "tickets.scan_deadlines"
    assert settings.CELERY_BEAT_SCHEDULE["tickets-retention"]["task"] == "tickets.destroy_expired"


def test_retention_destroys_old_archived_orders_and_orphan_customers(org, new_order, fire):
    old = new_order(kind="consultation", phone="13700000001")
    fire(old, "answer", org.agent, reply_opinion="已答", satisfaction="satisfied")
    fire(old, "archive", org.dispatcher, analysis="无")
    kept_customer = new_order(kind="consultation", phone="13700000002")
    shared = new_order(kind="consultation", phone="13700000002")
    fire(kept_customer, "answer", org.agent, reply_opinion="已答", satisfaction="satisfied")
    fire(kept_customer, "archive", org.dispatcher, analysis="无")
    Order.objects.filter(pk__in=[old.pk, kept_customer.pk]).update(archived_at=timezone.now() - timedelta(days=731))
    assert services.destroy_expired() == 2
    assert not Order.objects.filter(pk__in=[old.pk, kept_customer.pk]).exists()
    assert not Customer.objects.filter(pk=old.customer_id).exists()
    assert Customer.objects.filter(pk=shared.customer_id).exists()  # still referenced by an open order
    destroyed = AuditRecord.objects.filter(action="destroy")
    assert set(destroyed.values_list("object_type", flat=True)) == {"tickets.order", "customers.customer"}
    assert destroyed.filter(object_type="tickets.order").count() == 2
    assert services.destroy_expired() == 0
