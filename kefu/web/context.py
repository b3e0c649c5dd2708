"""Navigation gathered from each app's `nav.py`: ITEMS = [(label, url name, op_id), ...]."""
from __future__ import annotations

import importlib
from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from kefu.access import allowed
from kefu.org.roles import ROLE_LABELS, roles_of


@cache
def _items() -> list[tuple[str, str, str]]:
    items = []
    for app in settings.KEFU_APPS:
        try:
            module = importlib.import_module(f"{app}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.nav":
                raise
            continue
        items.extend(module.ITEMS)
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = []
    for label, url_name, op_id in _items():
        if allowed(user, op_id):
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            nav.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    staff = getattr(user, "staff", None)
    return {
        "nav_items": nav,
        "me_staff": staff,
        "me_roles": [ROLE_LABELS[r] for r in sorted(roles_of(user))],
    }
