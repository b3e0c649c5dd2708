"""Public service functions take at most two positional parameters (issue 13, after the HackSoft styleguide).

The scope (center, request, actor) and the subject object come positionally; everything else is keyword-only,
so a call site names what it passes: `create_order(scope, shop=shop, data=data)`, never a row of bare values.
Read from the source (no import), so the check runs without a database.
"""

import ast
from pathlib import Path

import pytest

KEFU = Path(__file__).resolve().parent.parent
MAX_POSITIONAL = 2

# Apps whose services.py follow the rule. Add an app here once its services are converted.
CONVERTED_APPS = (
    "attendance",
    "audit",
    "discipline",
    "followup",
    "notify",
    "org",
    "quality",
    "roster",
    "shiftlog",
    "shop",
    "training",
    "wfm",
    "workcal",
)

# "app.function": why it still takes more than two positional parameters.
ALLOWED: dict[str, str] = {}


def positional_params(app: str, source: str | None = None) -> dict[str, list[str]]:
    """Public top-level functions of kefu/<app>/services.py (or of `source`) and their positional parameters."""
    tree = ast.parse(source if source is not None else (KEFU / app / "services.py").read_text(encoding="utf-8"))
    return {
        node.name: [a.arg for a in node.args.posonlyargs + node.args.args]
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_")
    }


@pytest.mark.parametrize("app", CONVERTED_APPS)
def test_public_services_take_at_most_two_positional_parameters(app):
    too_many = {
        f"{app}.{name}": params
        for name, params in positional_params(app).items()
        if len(params) > MAX_POSITIONAL and f"{app}.{name}" not in ALLOWED
    }
    assert not too_many, (
        "make the parameters after the scope and the subject keyword-only (`def f(scope, obj, *, ...)`) "
        f"or list the function in ALLOWED with the reason: {too_many}"
    )


def test_allow_list_names_only_functions_that_still_need_it():
    stale = [
        key for key in ALLOWED if len(positional_params(key.split(".")[0]).get(key.split(".")[1], [])) <= MAX_POSITIONAL
    ]
    assert not stale, f"these take at most two positional parameters now (or are gone); drop them from ALLOWED: {stale}"


def test_the_check_counts_positional_only_and_skips_private_and_nested_functions():
    source = (
        "def create_order(scope, shop, data): ...\n"
        "def confirm(scope, order, /, form, *, version=None): ...\n"
        "async def fire(scope, obj, *, name): ...\n"
        "def _helper(a, b, c): ...\n"
        "class Box:\n    def method(self, a, b): ...\n"
    )
    assert positional_params("any", source) == {
        "create_order": ["scope", "shop", "data"],
        "confirm": ["scope", "order", "form"],
        "fire": ["scope", "obj"],
    }
