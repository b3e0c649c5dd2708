"""Navigation gathered from each app's `nav.py`: ITEMS = [(label, url name, op_id), ...]."""
from __future__ import annotations

from functools import cache

from django.urls import NoReverseMatch, reverse

from kefu.access import allowed
from kefu.org.roles import ROLE_LABELS, roles_of
from kefu.registry import app_modules


@cache
def _items() -> list[tuple[str, str, str]]:
    items = []
    for _, module in app_modules("nav"):
        items.extend(module.ITEMS)
    return items


# The top bar groups each app's entries under one menu (namespace of the url name -> menu).
GROUPS = [
    ("工单", ("tickets",)),
    ("交接班", ("shiftlog",)),
    ("话务与指标", ("kpi", "telephony")),
    ("排班与考勤", ("wfm", "roster", "attendance")),
    ("质检与知识", ("quality", "knowledge", "training")),
    ("审计", ("audit",)),
]


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
            nav.append({"label": label, "url": url, "app": url_name.split(":")[0],
                        "active": request.path.startswith(url) and url != "/"})
    menus = []
    for title, apps in GROUPS:
        items = [i for i in nav if i["app"] in apps]
        if items:
            menus.append({"title": title, "items": items, "active": any(i["active"] for i in items)})
    grouped = {a for _, apps in GROUPS for a in apps}
    menus.extend({"title": i["label"], "items": [i], "active": i["active"]} for i in nav if i["app"] not in grouped)
    staff = getattr(user, "staff", None)
    return {
        "nav_menus": menus,
        "me_staff": staff,
        "me_roles": [ROLE_LABELS[r] for r in sorted(roles_of(user))],
    }
