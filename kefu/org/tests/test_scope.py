"""Breaches found from outside with a second center and real roles (issue 13): the organisation API answers only
for the caller's own center, and nobody grants a role beyond their reach."""

from __future__ import annotations

import pytest

from kefu.org import services
from kefu.org.roles import Role, roles_of

PASSWORD = "Kefu-test-2026!"


@pytest.fixture
def second(db):
    center = services.create_center("second", "第二中心")
    return {
        "admin": services.create_staff(
            center, staff_no="B900", name="乙管理员", roles=["admin"], username="b900", password=PASSWORD
        ),
        "center": center,
    }


def test_another_centers_admin_cannot_issue_a_token_for_our_agent(make_staff, client_for, second):
    agent = make_staff("agent", staff_no="2001")
    answer = client_for(second["admin"]).post(
        "/api/org/tokens", {"name": "x", "staff_no": agent.staff_no}, content_type="application/json"
    )
    assert answer.status_code == 404
    from kefu.org.models import ApiToken

    assert not ApiToken.objects.filter(user=agent.user).exists()


def test_another_centers_admin_cannot_change_our_roles(make_staff, client_for, second):
    agent = make_staff("agent", staff_no="2001")
    answer = client_for(second["admin"]).put(
        f"/api/org/staff/{agent.staff_no}/roles", {"roles": ["admin"]}, content_type="application/json"
    )
    assert answer.status_code == 404
    agent.user.refresh_from_db()
    assert roles_of(type(agent.user).objects.get(pk=agent.user.pk)) == {Role.AGENT}


def test_another_centers_admin_sees_only_its_own_staff_departments_and_teams(make_staff, client_for, second):
    from kefu.org.models import Department, Team

    ours = make_staff("agent", staff_no="2001")
    Department.objects.create(center=ours.center, code="billing", name="计费结算部")
    Team.objects.create(center=ours.center, code="t1", name="一班")
    client = client_for(second["admin"])
    assert [s["staff_no"] for s in client.get("/api/org/staff").json()] == ["B900"]
    assert client.get("/api/org/departments").json() == []
    assert client.get("/api/org/teams").json() == []


def test_hr_cannot_create_an_administrator(make_staff, client_for):
    hr = make_staff("hr", staff_no="7001")
    body = {"staff_no": "3999", "name": "新人", "roles": ["admin"], "username": "n3999", "password": PASSWORD}
    answer = client_for(hr).post("/api/org/staff", body, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["detail"][0]["field"] == "roles"
    from kefu.org.models import Staff

    assert not Staff.objects.filter(staff_no="3999").exists()
    body["roles"] = ["agent"]
    assert client_for(hr).post("/api/org/staff", body, content_type="application/json").status_code == 201


def test_a_user_without_a_staff_record_gets_no_center(client_for, db):
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from kefu.org.services import ensure_role_groups

    ensure_role_groups()
    user = User.objects.create_user("lonely", password=PASSWORD)
    user.groups.set(Group.objects.filter(name="admin"))
    client = Client()
    client.force_login(user)
    assert client.get("/api/org/policy").status_code == 403


def test_an_unknown_role_is_a_bad_choice_not_a_500(make_staff, client_for):
    admin = make_staff("admin", staff_no="9001")
    body = {"staff_no": "3998", "name": "新人", "roles": [""], "username": "n3998", "password": PASSWORD}
    answer = client_for(admin).post("/api/org/staff", body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["detail"][0]["rule"] == "choice"
