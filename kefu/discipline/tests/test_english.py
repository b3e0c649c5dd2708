"""The discipline pages in English; every label the machines, presets and services use is in the catalogue."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kefu.discipline import machine
from kefu.discipline.policy import PRESETS
from kefu.messages import catalogue
from kefu.web.tests.english import assert_english, english
from kefu.workflow import check_declared

NOTE = "查岗：看视频"


def test_machine_labels_are_in_the_catalogue():
    assert check_declared([machine.VIOLATION, machine.PROPOSAL], catalogue()) == []


def test_preset_labels_and_raised_codes_are_in_the_catalogue():
    codes = {spec["label"] for p in PRESETS.values() for spec in p["types"].values()}
    codes |= {spec["label"] for p in PRESETS.values() for spec in p["rewards"].values()}
    for path in Path(machine.__file__).parent.glob("*.py"):  # every literal "discipline.x.y" code in the app
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("Msg", "of", "refuse")
                and str(node.args[0].value).startswith("discipline.")
            ):
                codes.add(node.args[0].value)
    assert sorted(c for c in codes if c not in catalogue()) == []


@pytest.mark.django_db
def test_agent_and_lead_pages_in_english(center, make_staff, client_for):
    from kefu.discipline import services
    from kefu.org.models import Policy
    from kefu.scope import scope_of

    Policy.objects.update_or_create(center=center, defaults={"preset": "ecommerce", "overrides": {}})
    agent, lead = make_staff("agent", staff_no="2001"), make_staff("team_lead", staff_no="3001")
    day = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=3)
    services.record_violation(scope_of(lead), staff_no="2001", type_code="non_work", occurred_on=day, note=NOTE)
    month = f"{day:%Y-%m}"
    assert_english(
        english(client_for(agent)).get("/discipline/", {"month": month}),
        "My record",
        "My violations",
        "Non-work activity at work",
        "Fine of 10 yuan",
        "To acknowledge",
        "Appeal",
        user_data=(NOTE,),
    )
    r = english(client_for(lead)).post(
        "/discipline/team/record/",
        {"staff_no": "2001", "type_code": "non_work", "occurred_on": day.isoformat(), "note": "", "month": month},
        follow=True,
    )
    assert_english(
        r,
        "Evidence: a violation entered by a lead needs its evidence",
        "Team discipline",
        "Record a violation",
        user_data=(NOTE,),
    )
    assert_english(
        english(client_for(lead)).get("/discipline/fund/", {"month": month}),
        "Department activity fund",
        "Fine: 2001 Non-work activity at work",
        user_data=(NOTE,),
    )
