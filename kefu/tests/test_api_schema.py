"""Property-based API tests: schemathesis generates requests from our own OpenAPI schema.

Every operation, called by a user holding every role, must never answer 5xx, and a documented status
must come with a body of the documented shape.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from kefu.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes "old" connections after each request; inside a test's transaction that
    would close PostgreSQL's connection (Django's own test client disconnects the same signal)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def all_roles_token(transactional_db, make_staff, keep_test_connection):
    from kefu.org.models import ApiToken
    from kefu.org.roles import Role

    staff = make_staff(*[r.value for r in Role], staff_no="7777")
    _, raw = ApiToken.issue(staff.user, "schemathesis")
    return raw


# Transactional: each request commits on its own, as in production. Inside one test transaction a single
# failed statement on PostgreSQL (e.g. an id beyond BIGINT) would abort every later request of the test.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_generated_input(case, all_roles_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {all_roles_token}"}, checks=[not_a_server_error, response_schema_conformance]
    )


@pytest.fixture
def openapi(db):
    from django.test import Client

    return Client().get("/api/openapi.json").json()


def test_schema_names_are_distinct_and_describe_their_own_fields(openapi):
    """Forecast intervals and scheduled shifts were both `IntervalOut`: the forecasts were documented with the
    roster's fields."""
    schemas = openapi["components"]["schemas"]
    assert "IntervalOut" not in schemas
    assert set(schemas["ForecastIntervalOut"]["properties"]) == {"start", "minutes", "calls", "aht"}
    assert set(schemas["ScheduledShiftOut"]["properties"]) == {"staff_no", "start", "end", "code"}

    def item_ref(path):
        return openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"][
            "$ref"
        ]

    assert item_ref("/api/wfm/forecasts").endswith("/ForecastIntervalOut")
    assert item_ref("/api/roster/scheduled").endswith("/ScheduledShiftOut")


def test_no_two_api_schemas_share_a_name(openapi):
    """OpenAPI names a component by its class name: two apps' `CheckOut`s were one component, so the knowledge
    checker's answers were validated against the workbench's fields (and the docs showed one of them)."""
    from collections import defaultdict

    from ninja import Schema

    seen, todo = set(), [Schema]
    by_name: dict[str, set[str]] = defaultdict(set)
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
                if sub.__module__.startswith("kefu.") and ".tests." not in sub.__module__:
                    by_name[sub.__name__].add(sub.__module__)
    shared = {name: sorted(mods) for name, mods in by_name.items() if len(mods) > 1}
    assert not shared, shared


def test_every_operation_declares_its_error_responses(openapi):
    error = openapi["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    problem = openapi["components"]["schemas"]["ProblemOut"]
    assert set(problem["required"]) == {"field", "rule", "message"}
    missing = []
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            for status in ("400", "401", "403", "404", "422"):
                declared = operation["responses"].get(status, {})
                ref = declared.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
                if not ref.endswith("/ErrorOut"):
                    missing.append(f"{method.upper()} {path} {status}")
    assert not missing, missing
