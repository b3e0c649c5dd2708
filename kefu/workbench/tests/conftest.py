"""Fixtures of the workbench tests: a small center with agents, a QA, a dispatcher and department handlers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def org(db, center, make_staff):
    from kefu.org.models import Department

    depts = {
        code: Department.objects.create(center=center, code=code, name=name)
        for code, name in [("billing", "计费结算部"), ("network", "网络维护部")]
    }
    return SimpleNamespace(
        center=center,
        depts=depts,
        agent=make_staff("agent", staff_no="2001"),
        agent2=make_staff("agent", staff_no="2002"),
        dispatcher=make_staff("dispatcher", staff_no="4001"),
        qa=make_staff("qa", staff_no="6001"),
        billing=make_staff("dept_handler", staff_no="8001", department=depts["billing"]),
    )


@pytest.fixture
def scope_of_staff():
    from kefu.scope import scope_of

    return scope_of
