"""Navigation gathered from each app's `nav.py`: ITEMS = [(label, url name, op_id), ...]."""

from __future__ import annotations

from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kefu.access import allowed
from kefu.org.roles import Role, roles_of
from kefu.registry import app_modules


@cache
def _items() -> list[tuple[str, str, str]]:
    items = []
    for _label, module in app_modules("nav"):
        items.extend(module.ITEMS)
    return items


# The top bar groups each app's entries under one menu (namespace of the url name -> menu).
GROUPS = [
    (_("工单"), ("tickets", "workbench")),
    (_("交接班"), ("shiftlog",)),
    (_("话务与指标"), ("kpi", "telephony")),
    (_("排班与考勤"), ("wfm", "roster", "attendance")),
    (_("质检与知识"), ("quality", "knowledge", "training")),
    (_("网店"), ("shop",)),
    (_("审计"), ("audit",)),
]

# The role names of kefu.org.roles.ROLE_LABELS as the top bar shows them, in the user's language.
ROLE_NAMES = {
    Role.AGENT: _("话务员"),
    Role.SENIOR_AGENT: _("高级座席"),
    Role.TEAM_LEAD: _("班长"),
    Role.SUPERVISOR: _("值班长"),
    Role.QA: _("质检员"),
    Role.EDITOR: _("采编员"),
    Role.DISPATCHER: _("转单员"),
    Role.DEPT_HANDLER: _("处理部门"),
    Role.MANAGER: _("中心经理"),
    Role.HR: _("人事"),
    Role.ADMIN: _("管理员"),
    Role.AUDITOR: _("审计员"),
}


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
            nav.append(
                {
                    "label": label,
                    "url": url,
                    "app": url_name.split(":")[0],
                    "active": request.path.startswith(url) and url != "/",
                }
            )
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
        "me_roles": [ROLE_NAMES[r] for r in sorted(roles_of(user))],
    }
