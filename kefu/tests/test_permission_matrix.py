"""Every role × every API operation: allowed or refused (403), generated from the one declared table.

The table is the union of every app's access.RULES (kefu.access.permissions). An operation in the
OpenAPI schema without a rule fails here, and so does a rule without an operation.
"""

import re

import pytest

from kefu.access import permissions
from kefu.org.roles import Role

PAGE_ONLY_PREFIX = "page."  # rules used only by page views (kefu.access.require), not API operations


def _operations():
    from kefu.api import api

    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            yield method.upper(), path, spec["operationId"]


OPERATIONS = sorted(_operations())


def test_every_operation_has_a_rule():
    table = permissions()
    missing = [f"{m} {p} ({op})" for m, p, op in OPERATIONS if op not in table]
    assert not missing, f"这些接口没有在 access.py 中声明权限：{missing}"


def test_every_api_rule_has_an_operation():
    declared = {op for _, _, op in OPERATIONS}
    orphans = [k for k in permissions() if k not in declared and not k.startswith(PAGE_ONLY_PREFIX)]
    assert not orphans, f"这些权限规则没有对应的接口（页面专用规则请以 page. 开头）：{orphans}"


def _concrete(path: str) -> str:
    # Path parameters get a value that exists in no table; allowed roles then see 404/422, never 403.
    return re.sub(r"\{[^}]+\}", "999999", path).replace("/api/api/", "/api/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(role, make_staff, client_for):
    client = client_for(make_staff(role.value))
    table = permissions()
    wrong = []
    for method, path, op_id in OPERATIONS:
        url = _concrete(path)
        response = client.generic(method, url, data="{}", content_type="application/json")
        allowed = role in table[op_id]
        if (
            allowed
            and response.status_code in (401, 403)
            and response.json()["detail"][0]["rule"] in ("permission", "authentication")
        ):
            wrong.append(f"{op_id}: {role} 应允许，实际 {response.status_code}")
        if not allowed and response.status_code != 403:
            wrong.append(f"{op_id}: {role} 应拒绝(403)，实际 {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_anonymous_gets_401_everywhere():
    from django.test import Client

    client = Client()
    for method, path, op_id in OPERATIONS:
        response = client.generic(method, _concrete(path), data="{}", content_type="application/json")
        assert response.status_code == 401, (op_id, response.status_code)


@pytest.mark.django_db
def test_token_auth_uses_the_same_table(make_staff):
    from django.test import Client

    from kefu.org.models import ApiToken

    agent = make_staff("agent")
    _, raw = ApiToken.issue(agent.user, "集成测试")
    client = Client()
    ok = client.get("/api/org/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200 and ok.json()["staff_no"] == agent.staff_no
    refused = client.get("/api/audit/records", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 403
    assert client.get("/api/org/me", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401
