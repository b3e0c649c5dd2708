"""Use cases of the organisation: staff, roles, policies, tokens. Every write goes through here."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from kefu.errors import Problem, RuleViolation
from kefu.org.models import Center, Department, Policy, Staff, Team
from kefu.org.policy import forget_policy, validate_overrides
from kefu.org.roles import ROLE_LABELS, Role, grantable_by

_STAFF_NO = re.compile(r"^[A-Za-z0-9]{2,20}$")


def check_grant(granter_roles, roles) -> None:
    """Refuse roles the granter may not give (kefu.org.roles.GRANTS): 403 naming them. An unknown role is refused
    first, as a bad choice (400)."""
    unknown = sorted(r for r in set(roles) if r not in {role.value for role in Role})
    if unknown:
        raise RuleViolation(f"未知角色：{'、'.join(unknown) or '（空）'}", field="roles", rule="choice")
    beyond = sorted(set(roles) - {r.value for r in grantable_by(granter_roles)})
    if beyond:
        raise RuleViolation(
            f"无权授予角色：{'、'.join(ROLE_LABELS.get(Role(r), r) for r in beyond)}",
            field="roles",
            rule="grant",
            status=403,
        )


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def create_center(code: str, name: str, *, preset: str = Policy.Preset.HOTLINE) -> Center:
    center, _ = Center.objects.get_or_create(code=code, defaults={"name": name})
    Policy.objects.get_or_create(center=center, defaults={"preset": preset})
    ensure_role_groups()
    return center


@transaction.atomic
def create_staff(
    center: Center,
    *,
    staff_no: str,
    name: str,
    roles: list[str],
    username: str | None = None,
    password: str | None = None,
    department: Department | None = None,
    team: Team | None = None,
    level: int = Staff.Level.REGULAR,
    skills=(),
    check_password: bool = True,
) -> Staff:
    """check_password=False skips the password validators: only the demo seeding passes it (its public password)."""
    if not _STAFF_NO.match(staff_no or ""):
        raise RuleViolation("工号应为2-20位字母或数字", field="staff_no", rule="staff_no_format")
    if Staff.objects.filter(staff_no=staff_no).exists():
        raise RuleViolation(f"工号 {staff_no} 已存在", field="staff_no", rule="unique", status=409)
    if not name or len(name) > 50:
        raise RuleViolation("姓名必填且不超过50个字符", field="name", rule="max_length")
    unknown = [r for r in roles if r not in Role._value2member_map_]
    if unknown:
        raise RuleViolation(f"未知角色：{'、'.join(unknown)}", field="roles", rule="choice")
    if level not in Staff.Level.values:
        raise RuleViolation("技能等级应为1-5", field="level", rule="choice")
    username = username or staff_no
    if User.objects.filter(username=username).exists():
        raise RuleViolation(f"登录名 {username} 已存在", field="username", rule="unique", status=409)
    if password is not None and check_password:
        check_password_rules(password, User(username=username, first_name=name))
    user = User.objects.create_user(username=username, password=password, first_name=name)
    if password is None:
        user.set_unusable_password()
        user.save()
    ensure_role_groups()
    user.groups.set(Group.objects.filter(name__in=roles))
    staff = Staff.objects.create(
        user=user, center=center, staff_no=staff_no, name=name, department=department, team=team, level=level
    )
    if skills:
        staff.skills.set(skills)
    return staff


# Django's own Chinese catalogue lacks some of its newer validator messages; these keep every one Chinese.
_PASSWORD_MESSAGES = {
    "password_too_short": "长度不能少于 {min_length} 个字符",
    "password_too_common": "过于常见，请换一个不易猜到的密码",
    "password_entirely_numeric": "不能全部是数字",
    "password_too_similar": "与登录名或姓名过于相似",
}


def check_password_rules(password: str, user: User) -> None:
    """Django's AUTH_PASSWORD_VALIDATORS (length, common, numeric, similar to the login name), in Chinese."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        problems = []
        for error in exc.error_list:
            template = _PASSWORD_MESSAGES.get(error.code or "")
            if template:
                text = template.format(**(error.params or {}))
            else:
                with translation.override(settings.LANGUAGE_CODE):
                    text = " ".join(error.messages)
            problems.append(Problem("password", error.code or "password_policy", f"密码：{text}"))
        raise RuleViolation.many(problems) from None


@transaction.atomic
def set_roles(staff: Staff, roles: list[str]) -> None:
    unknown = [r for r in roles if r not in Role._value2member_map_]
    if unknown:
        raise RuleViolation(f"未知角色：{'、'.join(unknown)}", field="roles", rule="choice")
    ensure_role_groups()
    staff.user.groups.set(Group.objects.filter(name__in=roles))


@transaction.atomic
def update_policy(center: Center, *, preset: str, overrides: dict) -> Policy:
    errors = validate_overrides(preset, overrides, center)
    if errors:
        from kefu.errors import Problem

        raise RuleViolation.many([Problem(f, "policy", f"{f}：{m}") for f, m in errors])
    policy, _ = Policy.objects.update_or_create(center=center, defaults={"preset": preset, "overrides": overrides})
    forget_policy(center, policy)
    return policy
