"""The layers of kefu, written down and held against the code (issue 13, item 5).

    kernel     kefu.errors, kefu.messages, kefu.registry, kefu.prepared, kefu.celery, kefu.settings*   (no app)
    ground     org, audit, workcal, customers, kefu.access, kefu.scope, kefu.workflow,
               web (shared timers, sheets, inputs, pages' frame)
    records    telephony, tickets, knowledge, training
    planning   wfm, roster, attendance, shiftlog
    reporting  kpi, quality, discipline, workbench (the call workbench and order search read records and planning)
    edge       kefu.api, kefu.urls, kefu.cli, kefu.wsgi, kefu.asgi

A module may import its own layer and the layers below it, never one above: an event that has to travel upwards
(calls imported -> KPI refresh) goes through a signal that the upper app connects. The check reads every import
statement of kefu's own code (tests and migrations aside), including imports inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

KEFU = Path(__file__).resolve().parents[1]

LAYERS = {
    "kernel": [
        "kefu.errors",
        "kefu.messages",
        "kefu.registry",
        "kefu.prepared",
        "kefu.celery",
        "kefu.settings",
        "kefu.settings_dev",
        "kefu",
    ],
    "ground": ["org", "audit", "workcal", "customers", "notify", "kefu.access", "kefu.scope", "kefu.workflow", "web"],
    "records": ["telephony", "tickets", "knowledge", "training", "shop"],
    "planning": ["wfm", "roster", "attendance", "shiftlog", "followup"],
    "reporting": ["kpi", "quality", "discipline", "workbench"],
    "edge": ["kefu.api", "kefu.urls", "kefu.cli", "kefu.wsgi", "kefu.asgi"],
}
ORDER = list(LAYERS)
LEVEL = {unit: ORDER.index(layer) for layer, units in LAYERS.items() for unit in units}


def unit_of(module: str) -> str:
    """'kefu.tickets.services' -> 'tickets'; 'kefu.errors' -> 'kefu.errors'; 'kefu' -> 'kefu'."""
    parts = module.split(".")
    if len(parts) >= 2 and (KEFU / parts[1]).is_dir():
        return parts[1]
    return ".".join(parts[:2])


def kefu_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "kefu":
            if node.module == "kefu":  # from kefu import tickets
                found += [(node.lineno, f"kefu.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "kefu"]
    return found


def source_files() -> list[Path]:
    return [
        p
        for p in KEFU.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and p.name != "conftest.py"
    ]


def test_every_unit_has_a_layer():
    units = {unit_of(".".join(p.relative_to(KEFU.parent).with_suffix("").parts)) for p in source_files()}
    assert not units - set(LEVEL) - {"kefu.__init__"}, "新模块需在 LAYERS 中注明层级"


def test_no_import_runs_upwards():
    upwards = []
    for path in source_files():
        here = unit_of(".".join(path.relative_to(KEFU.parent).with_suffix("").parts))
        if here == "kefu.__init__":
            here = "kefu"
        for line, module in kefu_imports(path):
            there = unit_of(module)
            if there in LEVEL and LEVEL[there] > LEVEL[here]:
                upwards.append(
                    f"{path.relative_to(KEFU.parent)}:{line} ({ORDER[LEVEL[here]]}) imports {module} "
                    f"({ORDER[LEVEL[there]]})"
                )
    assert not upwards, "\n".join(upwards)


def test_the_check_sees_an_upward_import(tmp_path):
    """The check itself: an import from records into reporting, inside a function, is found."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from kefu.kpi import services\n    import kefu.quality.models\n")
    assert kefu_imports(probe) == [(2, "kefu.kpi"), (3, "kefu.quality.models")]
    assert LEVEL[unit_of("kefu.kpi")] > LEVEL[unit_of("kefu.telephony.services")]
