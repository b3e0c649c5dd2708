"""Issue 13: every label of the work-order machines and every code tickets raises or stores is in the catalogue
(kefu/tickets/messages.py) and has its English; staff never read a seed line or a code."""

import ast
import re
from pathlib import Path

from django.utils import translation

from kefu.messages import catalogue, render
from kefu.tickets import machine
from kefu.tickets.messages import MESSAGES
from kefu.workflow import check_declared

APP = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_machine_label_is_in_the_catalogue():
    assert check_declared([machine.MACHINE, machine.COMPENSATION], catalogue()) == []
    for group, values in {
        "kind": machine.KINDS,
        "satisfaction": machine.SATISFACTION,
        "category": machine.CATEGORIES,
        "complainant_type": machine.COMPLAINANT_TYPES,
    }.items():
        assert all(f"tickets.{group}.{v}" in MESSAGES for v in values), group
    for name, spec in machine.FIELDS.items():  # a choice is shown by its label, tickets.<field>.<value>
        assert all(f"tickets.{name}.{choice}" in MESSAGES for choice in spec.choices), name


def _codes_in_source() -> set[str]:
    """Every string literal of the app's code that looks like one of its message codes."""
    found = set()
    for path in [*APP.glob("*.py"), *APP.glob("migrations/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"tickets\.[a-z_]+\.[a-z_0-9.]+", node.value)
                and node.value.count(".") >= 2
            ):
                found.add(node.value)
    return found


def test_every_code_used_is_declared_and_english():
    used = {c for c in _codes_in_source() if not c.startswith(("tickets.order.", "tickets.compensation.state."))}
    assert used, "the scan found no code"
    assert sorted(c for c in used if c not in catalogue() and not c.endswith(".")) == []
    with translation.override("en"):
        untranslated = [code for code in MESSAGES if CJK.search(translation.gettext(str(MESSAGES[code])))]
    assert untranslated == []


def test_no_seed_line_or_code_in_what_staff_read():
    seeds = re.compile(r"\d{3}:L\d+")
    assert [c for c, text in MESSAGES.items() if seeds.search(str(text))] == []
    templates = "".join(p.read_text(encoding="utf-8") for p in (APP / "templates").rglob("*.html"))
    assert not seeds.search(templates) and "seed" not in templates
    with translation.override("zh-hans"):
        assert render("tickets.order.transition.dispatch") == "派单"
