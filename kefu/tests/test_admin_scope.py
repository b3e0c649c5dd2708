"""The admin site is scoped like the API (issue 13: the second center's administrator read the first's customers
through the admin site). Generated from the site's registry: every registered model's change list, and the change
page of every first-center row, opened by the second center's administrator (a superuser with a staff record)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from kefu.org.admin_scope import center_path
from kefu.tests.test_scope_matrix import _leaks, _marks, find_or_make, world  # noqa: F401  (the two centers)

# Models whose rows belong to no center, and why.
NO_CENTER = {
    "auth.Group": "the roles, the same in every center",
    "org.Skill": "the skills' catalogue, shared",
    "workcal.CalendarOverride": "the national working calendar (法定节假日调休)",
    "workcal.ConfirmedYear": "the national working calendar's confirmed years",
    "web.TimerStatus": "the installation's timers",
    "axes.AccessAttempt": "login attempts, before anyone is known",
    "axes.AccessLog": "login attempts, before anyone is known",
    "axes.AccessFailureLog": "login attempts, before anyone is known",
    "audit.AuditRecord": "a record of no center's staff (a failed login) has none; the others are scoped",
}


def _models():
    from django.apps import apps

    return [m for m in apps.get_models() if admin.site.is_registered(m)]


def test_every_registered_model_is_scoped_or_has_no_center():
    unscoped = [m._meta.label for m in _models() if center_path(m) is None and m._meta.label not in NO_CENTER]
    assert not unscoped, f"这些后台模型找不到所属中心（请加入 NO_CENTER 并说明理由）：{unscoped}"
    from kefu.org.admin_scope import CenterScoped

    assert all(isinstance(admin.site.get_model_admin(m), CenterScoped) for m in _models())


def _superuser(staff):
    from django.contrib.auth.models import User

    User.objects.filter(pk=staff.user_id).update(is_staff=True, is_superuser=True)
    return staff


@pytest.fixture
def admins(world):
    from kefu.org.models import Center
    from kefu.org.roles import Role

    b_admin = _superuser(world.b_staff[Role.ADMIN])
    _superuser(world.a_omni)
    from django.contrib.auth.models import User

    owner = User.objects.create_superuser("owner", password="Kefu-owner-2026!")  # no staff record
    for model in _models():  # one first-center row of every registered model that has a center
        path = center_path(model)
        if path and model is not Center and not model.objects.filter(**{path: world.a.pk}).exists():
            try:
                find_or_make(model._meta.label, world)
            except Exception as exc:  # noqa: BLE001
                pytest.fail(f"{model._meta.label}: {exc}")
    return b_admin, owner


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_another_centers_administrator_sees_none_of_our_rows_in_the_admin_site(world, admins):
    b_admin, owner = admins
    marks = _marks(world)
    client = _client(b_admin.user)
    wrong = []
    for model in _models():
        meta = model._meta
        listed = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if listed.status_code != 200:
            wrong.append(f"{meta.label} 列表：{listed.status_code}")
            continue
        leaked = _leaks(set(listed.content.decode().replace("<", " <").replace(">", "> ").split()), marks)
        if leaked:
            wrong.append(f"{meta.label} 列表显示了甲中心的数据：{sorted(leaked)[:5]}")
        path = center_path(model)
        if not path:
            continue
        ours = model.objects.filter(**{path: world.a.pk}).first()
        if ours is None:
            continue
        opened = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[ours.pk]))
        if opened.status_code == 200:
            wrong.append(f"{meta.label} 详情：乙中心管理员打开了甲中心的 {ours.pk}")
    assert not wrong, "\n".join(wrong)
    # the installation's owner (a superuser without a staff record) sees every center
    customers = _client(owner).get(reverse("admin:customers_customer_changelist")).content.decode()
    assert "139****5678" in customers


def test_choices_in_the_admin_site_are_the_centers_own(world, admins):
    b_admin, _ = admins
    page = _client(b_admin.user).get(reverse("admin:org_staff_add")).content.decode()
    assert "乙计费部" in page and "乙一班" in page
    assert "甲计费部" not in page and "甲一班" not in page


def test_another_centers_administrator_cannot_read_our_customers_in_the_admin_site(world, admins):
    """The breach as found: the second center's administrator (a superuser with a staff record) opened the first
    center's customers in the admin site. Now the list is empty and the customer's page is not found."""
    b_admin, _ = admins
    customer = find_or_make("customers.Customer", world)
    client = _client(b_admin.user)
    listed = client.get(reverse("admin:customers_customer_changelist"))
    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == []
    opened = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert opened.status_code == 302 and "139****5678" not in opened.content.decode()
    assert client.get(reverse("admin:auth_user_change", args=[world.a_omni.user_id])).status_code == 302
