"""Who may use workforce management. The floor is run by the shift supervisor (现场主管, 004:L767)."""

from kefu.org.roles import Role

_PLANNERS = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER}  # 004:L753 "管理人员的话务预测能力与排班技能"
_READERS = _PLANNERS | {Role.HR, Role.ADMIN}
_FLOOR = {Role.SUPERVISOR, Role.TEAM_LEAD, Role.MANAGER}

RULES = {
    "wfm.erlang": _READERS,
    "wfm.build_forecast": _PLANNERS,
    "wfm.forecast": _READERS,
    "wfm.add_adjustment": _PLANNERS,
    "wfm.delete_adjustment": _PLANNERS,
    "wfm.staffing": _READERS,
    "wfm.five_tables": _READERS,
    "wfm.floor": _FLOOR,
    "wfm.floor_observe": {Role.SUPERVISOR, Role.ADMIN},  # the supervisor, or an ACD integration's token
    "wfm.floor_decide": {Role.SUPERVISOR},  # 004:L767-781: 现场主管 decides each step
    "page.wfm.forecast": _READERS,
    "page.wfm.staffing": _READERS,
    "page.wfm.five_tables": _READERS,
    "page.wfm.floor": _FLOOR,
}
