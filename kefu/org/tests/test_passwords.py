"""Passwords set through the product follow Django's AUTH_PASSWORD_VALIDATORS, with Chinese messages naming the
field and the rule; only the demo seeding bypasses them, explicitly (its public password `kefu-demo`)."""

import json

import pytest
from django.contrib.auth.models import User

from kefu.errors import RuleViolation
from kefu.org import services


@pytest.mark.parametrize(
    "password, rule",
    [
        ("12345678", "password_entirely_numeric"),
        ("password", "password_too_common"),
        ("zhangwei1", "password_too_similar"),
        ("short", "password_too_short"),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_created(center, password, rule):
    with pytest.raises(RuleViolation) as caught:
        services.create_staff(
            center, staff_no="3101", name="张伟", roles=["agent"], username="zhangwei", password=password
        )
    problems = [p.as_dict() for p in caught.value.problems]
    assert rule in [p["rule"] for p in problems] and all(p["field"] == "password" for p in problems)
    assert all(p["message"].startswith("密码：") and "password" not in p["message"].lower() for p in problems)
    assert not User.objects.filter(username="zhangwei").exists()


def test_the_api_answers_the_rule_in_chinese(center, make_staff, client_for):
    hr = client_for(make_staff("hr"))
    r = hr.post(
        "/api/org/staff",
        data=json.dumps(
            {"staff_no": "3102", "name": "李娜", "roles": ["agent"], "username": "lina", "password": "12345678"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 400, r.content
    assert {"field": "password", "rule": "password_entirely_numeric", "message": "密码：不能全部是数字"} in r.json()[
        "detail"
    ]
    r = hr.post(
        "/api/org/staff",
        data=json.dumps(
            {"staff_no": "3102", "name": "李娜", "roles": ["agent"], "username": "lina", "password": "晴天-话务-2026"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content


def test_the_demo_password_is_set_only_by_the_demo_on_purpose(center):
    from kefu.org.demo import DEMO_PASSWORD

    staff = services.create_staff(
        center,
        staff_no="3103",
        name="示范",
        roles=["agent"],
        username="demo1",
        password=DEMO_PASSWORD,
        check_password=False,
    )
    assert staff.user.check_password(DEMO_PASSWORD)
