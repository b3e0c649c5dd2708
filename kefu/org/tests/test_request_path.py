"""What every API request reads: the token holder, the roles and the policy. Cheap, and never stale."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kefu.org.models import ApiToken, Center, Policy
from kefu.org.policy import deep_merge, policy_for, preset_section, remember_policy, sections
from kefu.org.roles import Role, roles_of
from kefu.org.selectors import token_holder


def _bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- policy_for ----------------------------------------------------------------------------------
def test_policy_for_is_the_preset_merged_with_the_overrides(center):
    for name in sections():
        for preset in ("hotline", "gov12345", "ecommerce"):
            Policy.objects.filter(center=center).update(preset=preset, overrides={})
            assert policy_for(name, center) == preset_section(name, preset)
    over = {"tickets": {"repeat_window_days": 7, "levels": {"1": {"unit": "hours", "amount": 3}}}}
    Policy.objects.filter(center=center).update(preset="hotline", overrides=over)
    assert policy_for("tickets", center) == deep_merge(preset_section("tickets"), over["tickets"])


def test_policy_change_by_queryset_update_counts_at_once(center):
    """The merge is cached by the row's content, so an update() (no save, no signal) is seen by the next read."""
    assert policy_for("tickets", center)["repeat_window_days"] == 30
    Policy.objects.filter(center=center).update(overrides={"tickets": {"repeat_window_days": 9}})
    assert policy_for("tickets", center)["repeat_window_days"] == 9
    Policy.objects.filter(center=center).update(overrides={})
    assert policy_for("tickets", center)["repeat_window_days"] == 30
    Policy.objects.filter(center=center).delete()
    assert policy_for("tickets", center) == preset_section("tickets")


def test_policy_for_hands_out_copies(center):
    first = policy_for("tickets", center)
    first["levels"]["1"]["amount"] = 999
    first["categories"].clear()
    again = policy_for("tickets", center)
    assert again["levels"]["1"]["amount"] == 2 and again["categories"]["tariff"]["department"] == "billing"
    assert preset_section("tickets")["levels"]["1"]["amount"] == 2


def test_remembered_policy_is_read_without_a_query_and_follows_update_policy(center):
    from kefu.org.services import update_policy

    request_center = Center.objects.select_related("policy").get(pk=center.pk)
    remember_policy(request_center)
    with CaptureQueriesContext(connection) as ctx:
        assert policy_for("tickets", request_center)["repeat_window_days"] == 30
    assert len(ctx.captured_queries) == 0
    update_policy(request_center, preset="hotline", overrides={"tickets": {"repeat_window_days": 5}})
    assert policy_for("tickets", request_center)["repeat_window_days"] == 5
    # A center whose policy row was only cached by Django (not remembered) is read afresh.
    Policy.objects.filter(center=center).update(overrides={"tickets": {"repeat_window_days": 6}})
    plain = Center.objects.select_related("policy").get(pk=center.pk)
    Policy.objects.filter(center=center).update(overrides={"tickets": {"repeat_window_days": 8}})
    assert policy_for("tickets", plain)["repeat_window_days"] == 8


def test_policy_edit_reaches_the_next_api_request(center, make_staff):
    """The API remembers the policy for one request only: an edit in between is seen by the next request."""
    agent = make_staff("agent")
    raw = ApiToken.issue(agent.user, "t")[1]
    body = {"kind": "complaint", "phone": "13800138000", "subject": "话费", "description": "多扣费", "level": 1}
    client = Client()
    r = client.post("/api/tickets/orders", json.dumps(body), content_type="application/json", **_bearer(raw))
    assert r.status_code == 201, r.content
    Policy.objects.filter(center=center).update(
        overrides={"tickets": {"levels": {"1": {"unit": "hours", "amount": 5}}}}
    )
    r2 = client.post(
        "/api/tickets/orders",
        json.dumps({**body, "phone": "13800138001"}),
        content_type="application/json",
        **_bearer(raw),
    )
    from kefu.tickets.models import Order

    first, second = Order.objects.get(pk=r.json()["id"]), Order.objects.get(pk=r2.json()["id"])
    assert (first.due_at - first.accepted_at).total_seconds() == 2 * 3600  # 004:L1295
    assert (second.due_at - second.accepted_at).total_seconds() == 5 * 3600


# --- token holder --------------------------------------------------------------------------------
def test_token_holder_loads_what_select_related_loads(center, make_staff):
    from kefu.org.models import Department

    dept = Department.objects.create(center=center, code="billing", name="计费结算部")
    staff = make_staff("dept_handler", department=dept)
    token, raw = ApiToken.issue(staff.user, "集成")
    Policy.objects.filter(center=center).update(preset="gov12345", overrides={"tickets": {"repeat_window_days": 3}})
    orm = ApiToken.objects.select_related("user__staff__center__policy").get(pk=token.pk)
    with CaptureQueriesContext(connection) as ctx:
        got = token_holder(raw)
        # Everything below is served from what the one statement loaded.
        pairs = [
            (got, orm),
            (got.user, orm.user),
            (got.user.staff, orm.user.staff),
            (got.user.staff.center, orm.user.staff.center),
            (got.user.staff.center.policy, orm.user.staff.center.policy),
        ]
        for mine, theirs in pairs:
            assert type(mine) is type(theirs)
            for field in type(theirs)._meta.concrete_fields:
                assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
        assert got.user.staff.user is got.user
    assert len(ctx.captured_queries) == 1
    assert got.user.staff.center.policy.overrides == {"tickets": {"repeat_window_days": 3}}
    assert got.created_at.tzinfo is not None and got.pk is not None


def test_token_holder_refuses_revoked_and_unknown_tokens(center, make_staff):
    staff = make_staff("agent")
    token, raw = ApiToken.issue(staff.user, "t")
    assert token_holder("kf_unknown") is None
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    assert token_holder(raw) is None


def test_token_of_a_user_without_staff_record(db):
    from django.contrib.auth.models import User

    user = User.objects.create_user("integration")
    raw = ApiToken.issue(user, "t")[1]
    got = token_holder(raw)
    with CaptureQueriesContext(connection) as ctx:
        assert getattr(got.user, "staff", None) is None
    assert len(ctx.captured_queries) == 0


def test_revoked_token_and_removed_role_count_at_the_next_request(center, make_staff):
    """Nothing about the caller is kept between requests: revocation and role changes are immediate."""
    from kefu.org.services import set_roles

    agent = make_staff("agent")
    token, raw = ApiToken.issue(agent.user, "t")
    client = Client()
    assert client.get("/api/tickets/busy-options", **_bearer(raw)).status_code == 200
    set_roles(agent, ["qa"])
    r = client.get("/api/tickets/busy-options", **_bearer(raw))
    assert r.status_code == 403 and r.json()["detail"][0]["rule"] == "permission"
    set_roles(agent, ["agent"])
    assert client.get("/api/tickets/busy-options", **_bearer(raw)).status_code == 200
    agent.user.is_active = False
    agent.user.save()
    assert client.get("/api/tickets/busy-options", **_bearer(raw)).status_code == 401
    agent.user.is_active = True
    agent.user.save()
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    r = client.get("/api/tickets/busy-options", **_bearer(raw))
    assert r.status_code == 401 and r.json()["detail"][0]["message"] == "未登录或令牌无效"


# --- roles ---------------------------------------------------------------------------------------
def test_roles_of_reads_the_groups_once_per_user_object(center, make_staff):
    from django.contrib.auth.models import User
    from django.utils.functional import SimpleLazyObject

    staff = make_staff("agent", "dispatcher")
    user = User.objects.get(pk=staff.user.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert roles_of(user) == {Role.AGENT, Role.DISPATCHER}
        assert roles_of(user) == {Role.AGENT, Role.DISPATCHER}
    assert len(ctx.captured_queries) == 1
    lazy = SimpleLazyObject(lambda: User.objects.get(pk=staff.user.pk))  # request.user on pages
    assert roles_of(lazy) == {Role.AGENT, Role.DISPATCHER}
    nobody = User.objects.create_user("nobody")
    assert roles_of(nobody) == frozenset()


@pytest.mark.parametrize("roles", [["admin"], ["qa", "hr"]])
def test_roles_of_matches_the_groups(center, make_staff, roles):
    staff = make_staff(*roles)
    assert roles_of(staff.user) == {Role(r) for r in roles}
