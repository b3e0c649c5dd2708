"""Roles of the SPEC's user table, as data. A role is a Django group of the same code.

Permissions of API operations are declared per app in `<app>/access.py` (RULES) and
gathered by kefu.access; pages use the same table through `kefu.access.require`.
"""

from enum import StrEnum
from functools import cache


class Role(StrEnum):
    AGENT = "agent"  # 话务员 / 客服代表
    SENIOR_AGENT = "senior_agent"  # 高级座席 / VIP话务员 (004:L2019)
    TEAM_LEAD = "team_lead"  # 班长 / 组长
    SUPERVISOR = "supervisor"  # 值班长 / 现场主管
    QA = "qa"  # 质检员
    EDITOR = "editor"  # 采编员
    DISPATCHER = "dispatcher"  # 申告处理员 / 转单员 (复核、派单、跟单)
    DEPT_HANDLER = "dept_handler"  # 处理部门 / 联络员
    MANAGER = "manager"  # 中心经理
    HR = "hr"  # 人事
    ADMIN = "admin"  # 管理员
    AUDITOR = "auditor"  # 审计员: searches the audit log


ROLE_LABELS: dict[Role, str] = {
    Role.AGENT: "话务员",
    Role.SENIOR_AGENT: "高级座席",
    Role.TEAM_LEAD: "班长",
    Role.SUPERVISOR: "值班长",
    Role.QA: "质检员",
    Role.EDITOR: "采编员",
    Role.DISPATCHER: "转单员",
    Role.DEPT_HANDLER: "处理部门",
    Role.MANAGER: "中心经理",
    Role.HR: "人事",
    Role.ADMIN: "管理员",
    Role.AUDITOR: "审计员",
}

ALL_ROLES = frozenset(Role)
FRONT_LINE = frozenset({Role.AGENT, Role.SENIOR_AGENT})
LEADS = frozenset({Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER})

# Who may grant which roles (API and pages): an administrator any role of their own center, HR the operational
# roles. Nobody else grants roles; nobody grants a role above their reach (HR cannot make an administrator).
OPERATIONAL = frozenset(
    {
        Role.AGENT,
        Role.SENIOR_AGENT,
        Role.TEAM_LEAD,
        Role.SUPERVISOR,
        Role.QA,
        Role.EDITOR,
        Role.DISPATCHER,
        Role.DEPT_HANDLER,
    }
)
GRANTS: dict[Role, frozenset[Role]] = {Role.ADMIN: ALL_ROLES, Role.HR: OPERATIONAL}


def grantable_by(roles) -> frozenset[Role]:
    """The roles a holder of `roles` may give to others."""
    found: frozenset[Role] = frozenset()
    for role in roles:
        found |= GRANTS.get(Role(role), frozenset())
    return found


# Who may see customers' phone numbers and names unmasked (each unmask is audited).
UNMASK_ROLES = frozenset({Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR, Role.DISPATCHER, Role.DEPT_HANDLER})


ROLES_CACHE = "kefu_roles"  # attribute of kefu's own on the request's user object


def roles_of(user) -> frozenset[Role]:
    """The roles of a user (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, ROLES_CACHE, None)
    if cached is None:
        names = _group_names(user)
        cached = frozenset(r for r in Role if r.value in names)
        setattr(user, ROLES_CACHE, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the roles cached on this user object (after they changed)."""
    setattr(user, ROLES_CACHE, None)


def _group_names(user) -> set[str]:
    # Asked on every request: the statement is built once, not compiled by the ORM each time (10x its cost).
    # Django is imported here, not above: the pure state machine imports this module.
    from django.db import connections, router

    model = user._meta.concrete_model  # request.user may be a lazy proxy
    using = router.db_for_read(model)
    with connections[using].cursor() as cursor:
        cursor.execute(_group_names_sql(model, using), [user.pk])
        return {name for (name,) in cursor.fetchall()}


@cache
def _group_names_sql(user_model, using: str) -> str:
    from django.db import connections

    qn = connections[using].ops.quote_name
    groups = user_model._meta.get_field("groups")
    through = groups.remote_field.through._meta
    group = groups.related_model._meta
    link_user = qn(groups.m2m_column_name())
    link_group = qn(groups.m2m_reverse_name())
    return (
        f"SELECT g.{qn(group.get_field('name').column)} FROM {qn(group.db_table)} g"
        f" INNER JOIN {qn(through.db_table)} l ON l.{link_group} = g.{qn(group.pk.column)}"
        f" WHERE l.{link_user} = %s"
    )
