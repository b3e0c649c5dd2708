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
