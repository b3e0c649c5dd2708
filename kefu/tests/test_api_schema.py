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
    case.call_and_validate(headers={"Authorization": f"Bearer {all_roles_token}"}, checks=[not_a_server_error, response_schema_conformance])
