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
def all_roles_token(db, make_staff):
    from kefu.org.models import ApiToken
    from kefu.org.roles import Role

    staff = make_staff(*[r.value for r in Role], staff_no="7777")
    _, raw = ApiToken.issue(staff.user, "schemathesis")
    return raw


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_on_generated_input(case, all_roles_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {all_roles_token}"}, checks=[not_a_server_error, response_schema_conformance])
