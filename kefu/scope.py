"""One caller scope: who is calling (user, staff, center, roles, departments), resolved once per request.

    scope = caller(request)                               # the page or API operation's first line
    orders = scope.filter(Order.objects, department="department")   # center always; department for handlers

Services and selectors take the scope instead of reading `request.user`; nothing falls back to "the first center".
A scope for code that runs without a request (timers, commands, imports) comes from `scope_of(staff)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kefu.errors import NotAllowed, NotFound, RuleViolation
from kefu.messages import Msg
from kefu.org.roles import Role, roles_of

# Roles whose reach is their own department's work: a caller who holds only these sees nothing of other departments.
DEPARTMENT_ROLES = frozenset({Role.DEPT_HANDLER})
REQUEST_ATTRIBUTE = "kefu_scope"


@dataclass(frozen=True)
class Scope:
    user: object
    staff: object
    center: object
    roles: frozenset[Role]
    departments: frozenset[int]
    request: object = None  # the request it was resolved from (audit records take its path and address)

    @property
    def center_id(self) -> int:
        return self.center.pk

    @property
    def department_limited(self) -> bool:
        """True when every role the caller holds is a department role (a department handler)."""
        return bool(self.roles) and self.roles <= DEPARTMENT_ROLES

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    def filter(self, queryset, *, center: str = "center", department: str | None = None):
        """The queryset limited to the caller's center, and to their departments when their roles say so.
        `center`/`department` name the lookups (e.g. center="order__center")."""
        queryset = queryset.filter(**{center: self.center})
        if department is not None and self.department_limited:
            queryset = queryset.filter(**{f"{department}__in": self.departments})
        return queryset

    def get(self, queryset, what: str, *, center: str = "center", department: str | None = None, **lookup):
        """One object of the caller's center (and department): a missing one and another center's are both 404,
        so a caller learns nothing of other centers' objects."""
        found = self.filter(queryset, center=center, department=department).filter(**lookup).first()
        if found is None:
            raise NotFound(what)
        return found

    def check_center(self, obj, what: str, *, center_attr: str = "center_id") -> None:
        if getattr(obj, center_attr) != self.center.pk:
            raise NotFound(what)

    def may_grant(self, roles) -> bool:
        """Staff may grant only roles they hold; an administrator grants any role of their own center."""
        wanted = {Role(r) for r in roles}
        return Role.ADMIN in self.roles or wanted <= self.roles


def scope_of(staff, user=None, request=None) -> Scope:
    user = user if user is not None else staff.user
    departments = frozenset({staff.department_id}) if getattr(staff, "department_id", None) else frozenset()
    return Scope(
        user=user, staff=staff, center=staff.center, roles=roles_of(user), departments=departments, request=request
    )


def caller(request) -> Scope:
    """The caller of this request, resolved once (cached on the request). No staff record: 403."""
    found = getattr(request, REQUEST_ATTRIBUTE, None)
    if found is not None:
        return found
    user = getattr(request, "user", None)
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None:
        raise NotAllowed(Msg("scope.no_staff"), rule="scope.no_staff")
    found = scope_of(staff, user, request)
    setattr(request, REQUEST_ATTRIBUTE, found)
    return found


def refuse(code: str, *, field: str | None = None, status: int = 400, **params) -> RuleViolation:
    """Shorthand for services: `raise refuse("tickets.x", field="y", n=3)`."""
    return RuleViolation.of(code, field=field, status=status, **params)
