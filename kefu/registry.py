"""Each app plugs in through optional modules (api, urls, access, policy, nav, demo); this finds them."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.conf import settings


def app_modules(name: str) -> Iterator[tuple[str, ModuleType]]:
    """(app label, module) for every app of KEFU_APPS that has `<app>.<name>`, in KEFU_APPS order.

    An app without the module is skipped; a module that fails to import raises (never hidden).
    """
    for app in settings.KEFU_APPS:
        try:
            module = importlib.import_module(f"{app}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.{name}":
                raise
            continue
        yield app.rsplit(".", 1)[1], module


# Hooks: a lower layer names a hook and asks for its providers; an app above provides one in its AppConfig.ready.
# The only way an app below learns of an app above (kefu/tests/test_layers.py forbids the upward import). Each hook
# is declared here, with what a provider is called with and returns, so that a reader finds every hook in one place.
HOOKS = {
    # telephony's demo asks for the agents' rostered shifts of the simulated period, so that demo agents log in for
    # them: provider(center, start, duration_seconds, rng) -> list[AgentShift] | None (kefu.roster provides one).
    "demo.call_rota": "kefu.telephony.demo",
    # the phrase checker adds the phrases a person's group discourages on top of the center's rules:
    # provider(staff) -> iterable of rule dicts (knowledge.phrases.rule_from) (kefu.discipline provides one, 004:L913).
    "knowledge.group_phrases": "kefu.knowledge.services",
}
_PROVIDERS: dict[str, list] = {name: [] for name in HOOKS}


def provide(hook: str, provider) -> None:
    """Register `provider` for `hook` (once: a second ready() does not add it again). An unknown hook raises."""
    if hook not in HOOKS:
        raise KeyError(f"unknown hook {hook!r}: declare it in kefu.registry.HOOKS")
    if provider not in _PROVIDERS[hook]:
        _PROVIDERS[hook].append(provider)


def providers(hook: str) -> tuple:
    """The providers of `hook` in registration order (KEFU_APPS order, since apps register in ready())."""
    return tuple(_PROVIDERS[hook])
