"""The shell in English (issue #2): top bar, home, role names, error pages; Chinese stays the default."""

import pytest
from django.test import Client

from kefu.web.tests.english import assert_english, english

pytestmark = pytest.mark.django_db


def test_home_and_menus_in_english(make_staff, client_for, center):
    auditor = english(client_for(make_staff("auditor", staff_no="7001")))
    html = assert_english(
        auditor.get("/"),
        "Hello, 7001",
        "Roles: Auditor",
        "Audit",
        "Audit log search",
        "Log out",
        user_data=(center.name,),
        header=True,
    )
    assert "English" in html


def test_every_menu_of_a_manager_is_translated(make_staff, client_for, center):
    """The manager sees the most menus; D1's groups and entries are in English (the others' are theirs)."""
    html = english(client_for(make_staff("manager", "supervisor", staff_no="7002"))).get("/").content.decode()
    for label in (
        "Work orders",
        "Handover",
        "Calls &amp; KPIs",
        "KPI dashboard",
        "Wallboard",
        "Attendance sheet",
        "Handover review",
        "Dispatch queue",
        "Work order board",
        "Case library",
        "Product training",
    ):
        assert label in html, label


def test_login_and_error_pages_in_english():
    client = english(Client())
    assert_english(client.get("/login/"), "Log in", "User name", "Password")
    assert_english(client.post("/login/", {"username": "nobody", "password": "x"}), "Wrong user name or password")


def test_403_in_english(make_staff, client_for):
    agent = english(client_for(make_staff("agent", staff_no="7003")))
    assert_english(agent.get("/audit/"), "Access denied", "Back to home", status=403)


def test_chinese_pages_unchanged(make_staff, client_for):
    agent = client_for(make_staff("agent", staff_no="7004"))
    html = agent.get("/").content.decode()
    assert "您好，7004" in html and "角色：话务员" in html and "Hello" not in html
    # Each language is offered in its own name, so a reader of either finds theirs.
    assert ">简体中文</option>" in html and ">English</option>" in html
