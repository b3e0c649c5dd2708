from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from kefu.access import op
from kefu.org import services
from kefu.org.models import Center, Department, Policy, Staff, Team
from kefu.org.policy import deep_merge, preset_section, sections
from kefu.org.roles import forget_roles, roles_of
from kefu.scope import caller

router = Router(tags=["组织 org"])


class StaffOut(Schema):
    id: int
    staff_no: str
    name: str
    department_id: int | None
    team_id: int | None
    level: int
    skills: list[str]
    roles: list[str]
    is_active: bool

    @staticmethod
    def resolve_skills(obj):
        return [s.code for s in obj.skills.all()]

    @staticmethod
    def resolve_roles(obj):
        return sorted(roles_of(obj.user))


class StaffIn(Schema):
    staff_no: str = Field(..., max_length=20)
    name: str = Field(..., max_length=50)
    roles: list[str]
    username: str | None = Field(None, max_length=150)
    password: str | None = Field(None, min_length=8, max_length=128)
    department_id: int | None = None
    team_id: int | None = None
    level: int = Field(3, ge=1, le=5)
    hired_on: date | None = None


class RolesIn(Schema):
    roles: list[str]


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    leader_id: int | None
    executive_id: int | None
    liaison_id: int | None


class TeamOut(Schema):
    id: int
    code: str
    name: str
    department_id: int | None
    lead_id: int | None


class PolicyOut(Schema):
    preset: str
    overrides: dict
    effective: dict


class PolicyIn(Schema):
    preset: str
    overrides: dict = {}


class TokenIn(Schema):
    name: str = Field(..., max_length=100)
    staff_no: str | None = None


class TokenOut(Schema):
    id: int
    name: str
    token: str


def _center(request) -> Center:
    return caller(request).center


@op(router.get, "/me", "org.me", response=StaffOut)
def me(request):
    return get_object_or_404(Staff.objects.prefetch_related("skills"), user=request.user)


@op(router.get, "/staff", "org.list_staff", response=list[StaffOut])
def list_staff(request, team_id: int | None = None, department_id: int | None = None, active: bool = True):
    qs = (
        caller(request)
        .filter(Staff.objects.select_related("user"), department="department")
        .prefetch_related("skills", "user__groups")
        .filter(is_active=active)
    )
    if team_id:
        qs = qs.filter(team_id=team_id)
    if department_id:
        qs = qs.filter(department_id=department_id)
    return list(qs)


@op(router.post, "/staff", "org.create_staff", response={201: StaffOut})
def create_staff(request, payload: StaffIn):
    scope = caller(request)
    center = scope.center
    services.check_grant(scope.roles, payload.roles)
    department = scope.get(Department.objects, "部门", pk=payload.department_id) if payload.department_id else None
    team = scope.get(Team.objects, "班组", pk=payload.team_id) if payload.team_id else None
    staff = services.create_staff(
        center,
        staff_no=payload.staff_no,
        name=payload.name,
        roles=payload.roles,
        username=payload.username,
        password=payload.password,
        department=department,
        team=team,
        level=payload.level,
    )
    return 201, staff


@op(router.put, "/staff/{staff_no}/roles", "org.set_roles", response=StaffOut)
def set_roles(request, staff_no: str, payload: RolesIn):
    scope = caller(request)
    staff = scope.get(Staff.objects.select_related("user"), "员工", staff_no=staff_no)
    # The roles taken away and the roles given must both be within the caller's reach.
    services.check_grant(scope.roles, set(payload.roles) ^ {r.value for r in roles_of(staff.user)})
    services.set_roles(staff, payload.roles)
    forget_roles(staff.user)
    return staff


@op(router.get, "/departments", "org.list_departments", response=list[DepartmentOut])
def list_departments(request):
    return list(caller(request).filter(Department.objects.all()))


@op(router.get, "/teams", "org.list_teams", response=list[TeamOut])
def list_teams(request):
    return list(caller(request).filter(Team.objects.all()))


def _policy_out(policy: Policy) -> dict:
    effective = {
        name: deep_merge(preset_section(name, policy.preset), policy.overrides.get(name, {})) for name in sections()
    }
    return {"preset": policy.preset, "overrides": policy.overrides, "effective": effective}


@op(router.get, "/policy", "org.get_policy", response=PolicyOut)
def get_policy(request):
    return _policy_out(get_object_or_404(Policy, center=_center(request)))


@op(router.put, "/policy", "org.update_policy", response=PolicyOut)
def update_policy(request, payload: PolicyIn):
    return _policy_out(services.update_policy(_center(request), preset=payload.preset, overrides=payload.overrides))


@op(router.post, "/tokens", "org.issue_token", response={201: TokenOut})
def issue_token(request, payload: TokenIn):
    from kefu.org.models import ApiToken

    scope = caller(request)
    user = (
        scope.get(Staff.objects.select_related("user"), "员工", staff_no=payload.staff_no).user
        if payload.staff_no
        else scope.user
    )
    row, raw = ApiToken.issue(user, payload.name)
    return 201, {"id": row.id, "name": row.name, "token": raw}
