"""Fixtures of the tickets tests: a small center with the people of the complaint flow."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def org(db, center, make_staff):
    from kefu.org.models import Department, Team

    depts = {
        code: Department.objects.create(center=center, code=code, name=name)
        for code, name in [
            ("billing", "计费结算部"),
            ("network", "网络维护部"),
            ("marketing", "市场经营部"),
            ("backoffice", "后台受理组"),
            ("province", "省客服中心"),
        ]
    }
    team = Team.objects.create(center=center, code="t1", name="一班")
    manager = make_staff("manager", staff_no="9001")
    leader = make_staff("dept_handler", staff_no="8001", department=depts["billing"])
    handler = make_staff("dept_handler", staff_no="8002", department=depts["billing"])
    net_handler = make_staff("dept_handler", staff_no="8003", department=depts["network"])
    Department.objects.filter(pk=depts["billing"].pk).update(leader=leader, executive=manager, liaison=handler)
    Department.objects.filter(pk=depts["network"].pk).update(leader=net_handler, executive=manager, liaison=net_handler)
    for d in depts.values():
        d.refresh_from_db()
    return SimpleNamespace(
        center=center,
        depts=depts,
        team=team,
        manager=manager,
        leader=leader,
        handler=handler,
        net_handler=net_handler,
        agent=make_staff("agent", staff_no="2001", team=team),
        agent2=make_staff("agent", staff_no="2002", team=team),
        senior=make_staff("senior_agent", staff_no="3001", team=team),
        dispatcher=make_staff("dispatcher", staff_no="4001"),
        supervisor=make_staff("supervisor", staff_no="5001"),
        admin=make_staff("admin", staff_no="9999"),
        qa=make_staff("qa", staff_no="6001"),
    )


@pytest.fixture
def new_order(org):
    from kefu.tickets import services

    def make(kind="complaint", actor=None, **data):
        body = {
            "kind": kind,
            "phone": "13800138000",
            "customer_name": "张三",
            "subject": "话费多扣",
            "description": "本月话费比上月多扣了50元，要求核查",
            "category": "tariff",
            "level": 2,
        }
        body.update(data)
        return services.create_order(org.center, actor or org.agent, body)

    return make


@pytest.fixture
def fire(org):
    """fire(order, name, actor, **fields) with the order's current version."""
    from kefu.tickets import services
    from kefu.tickets.models import Order

    def do(order, name, actor, **fields):
        fresh = Order.objects.get(pk=order.pk)
        return services.transition(fresh, name, actor, fresh.version, **fields)

    return do
