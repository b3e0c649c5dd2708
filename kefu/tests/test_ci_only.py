"""The CI-only list of kefu/conftest.py names tests that exist, and marks them slow (out of `./dev test --fast`)."""

from __future__ import annotations

import ast
from pathlib import Path

from kefu.conftest import CI_ONLY

ROOT = Path(__file__).resolve().parents[2]


def test_every_entry_names_a_test_file_or_function():
    for entry, why in CI_ONLY.items():
        path, _, name = entry.partition("::")
        file = ROOT / path
        assert file.is_file() and file.name.startswith("test_"), entry
        assert why.strip(), entry
        if name:
            tree = ast.parse(file.read_text(encoding="utf-8"))
            names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
            assert name in names, entry


def test_listed_tests_are_marked_slow(pytestconfig):
    """The hook runs before -m deselects: a listed test carries the slow marker."""
    items = []
    for path in ("kefu/tests/test_api_schema.py", "kefu/tests/test_ci_only.py"):
        items += [
            type(
                "Item",
                (),
                {"nodeid": f"{path}::x[1]", "markers": [], "add_marker": lambda self, m: self.markers.append(m)},
            )()
        ]
    from kefu.conftest import pytest_collection_modifyitems

    CI_ONLY_NODE = "kefu/tests/test_api_schema.py::x"
    CI_ONLY[CI_ONLY_NODE] = "test entry"
    try:
        pytest_collection_modifyitems(pytestconfig, items)
    finally:
        del CI_ONLY[CI_ONLY_NODE]
    assert [m.name for m in items[0].markers] == ["slow"] and items[1].markers == []
    assert any(line.startswith("slow:") for line in pytestconfig.getini("markers"))
