"""Who may call which operation: one declared table, gathered from every app's `access.py`.

Each app's access.py holds `RULES = {"tickets.create": {Role.AGENT, ...}, ...}`. An API operation is
declared with `@op(router.post, "/orders", "tickets.create", response=...)`: its OpenAPI operationId is
the rule's key and its auth checks the table, so an endpoint without a rule cannot be declared, and
`kefu/tests/test_permission_matrix.py` calls every operation as every role.
"""

from __future__ import annotations

from functools import cache, wraps

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from kefu.errors import NotAllowed
from kefu.org.policy import remember_policy
from kefu.org.roles import Role, roles_of
from kefu.registry import app_modules


@cache
def permissions() -> dict[str, frozenset[Role]]:
    table: dict[str, frozenset[Role]] = {}
    for _, module in app_modules("access"):
        for key, roles in getattr(module, "RULES", {}).items():
            if key in table:
                raise RuntimeError(f"权限规则重复声明：{key}")
            table[key] = frozenset(Role(r) for r in roles)
    return table


def allowed(user, op_id: str) -> bool:
    return bool(roles_of(user) & permissions()[op_id])


def check(user, op_id: str) -> None:
    if op_id not in permissions():
        raise RuntimeError(f"操作 {op_id} 未在权限表中声明")
    if not allowed(user, op_id):
        raise NotAllowed(f"当前角色无权执行此操作（{op_id}）")


class _RoleSession(SessionAuth):
    def __init__(self, op_id: str):
        super().__init__(csrf=True)
        self.op_id = op_id

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user:
            check(user, self.op_id)
        return user


class _RoleBearer(HttpBearer):
    def __init__(self, op_id: str):
        super().__init__()
        self.op_id = op_id

    def authenticate(self, request, token):
        from kefu.org.models import ApiToken
        from kefu.org.selectors import token_holder

        # One statement for the token, its user, staff record, center and the center's policy: every operation
        # needs the staff and center, most read the policy (kefu.org.policy.policy_for uses the loaded row).
        row = token_holder(token)
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        # Record use at most once a minute: a write per request would serialise every API call on SQLite.
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        staff = getattr(row.user, "staff", None)
        if staff is not None:
            remember_policy(staff.center)
        request.user = row.user
        check(row.user, self.op_id)
        return row.user


def allow(op_id: str) -> list:
    """Auth for one operation: a bearer token (integrations) or the session (pages)."""
    if op_id not in permissions():
        raise RuntimeError(f"操作 {op_id} 未在权限表中声明（请在 access.py 的 RULES 中添加）")
    return [_RoleBearer(op_id), _RoleSession(op_id)]


def op(method, path: str, op_id: str, **kwargs):
    """Declare an API operation bound to its permission rule: @op(router.get, "/x", "app.action")."""
    return method(path, operation_id=op_id, auth=allow(op_id), **kwargs)


def require(op_id: str):
    """The same table for page views: login required, then the role check (403 page when refused)."""
    from django.contrib.auth.decorators import login_required
    from django.core.exceptions import PermissionDenied

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if op_id not in permissions():
                raise RuntimeError(f"操作 {op_id} 未在权限表中声明")
            if not allowed(request.user, op_id):
                raise PermissionDenied(f"当前角色无权访问（{op_id}）")
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate
