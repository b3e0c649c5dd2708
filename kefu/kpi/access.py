from kefu.org.roles import ALL_ROLES, Role

_FLOOR = {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR, Role.QA, Role.MANAGER, Role.ADMIN}
# Agents see only their own numbers (checked in the view/API); leads see teams and the center.
_READERS = _FLOOR | {Role.HR}

RULES = {
    "kpi.metrics": ALL_ROLES,
    "kpi.values": _READERS,
    "kpi.wallboard": _FLOOR,
    "kpi.refresh": {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN},
    "page.kpi.dashboard": _READERS,
    "page.kpi.metric": _READERS,
    "page.kpi.wallboard": _FLOOR,
    "page.kpi.export": _READERS,
}

# Roles that see other people's numbers (team and center); the rest only their own staff number.
WIDE_ROLES = frozenset({Role.TEAM_LEAD, Role.SUPERVISOR, Role.QA, Role.MANAGER, Role.ADMIN, Role.HR})
