from __future__ import annotations

import pytest


@pytest.fixture
def people(make_staff):
    return {
        "agent": make_staff("agent", staff_no="2001"),
        "agent2": make_staff("agent", staff_no="2002"),
        "lead": make_staff("supervisor", staff_no="5001"),
        "dispatcher": make_staff("dispatcher", staff_no="4001"),
    }


@pytest.fixture
def replied_complaint(people):
    """A complaint the agent answered at once (accepted -> replied)."""
    from kefu.tickets import services

    agent = people["agent"]
    order = services.create_order(
        agent.center,
        agent,
        {
            "kind": "complaint",
            "phone": "13800138000",
            "customer_name": "张三",
            "subject": "话费多扣",
            "description": "本月话费比上月多扣了50元",
            "category": "tariff",
            "level": 2,
        },
    )
    return services.transition(
        order, "answer", agent, order.version, reply_opinion="已退还多扣费用", satisfaction="satisfied"
    )
