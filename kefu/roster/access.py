from kefu.org.roles import Role

_VIEW = {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER, Role.HR, Role.ADMIN, Role.QA}
_PLAN = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}  # 004:L929 值班长 arranges shifts

RULES = {
    "roster.list": _VIEW,
    "roster.detail": _VIEW,
    "roster.templates": _VIEW,
    "roster.generate": _PLAN,
    "roster.publish": _PLAN,
    "roster.edit": _PLAN,
    "roster.request": {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR},
    "roster.requests": _VIEW,
    # scheduled time for adherence (kpi) and wfm charts
    "roster.scheduled": {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER, Role.HR, Role.ADMIN, Role.QA},
    "page.roster.view": _VIEW,
    "page.roster.plan": _PLAN,
    # 我的排班: the people who work shifts on the floor see their own
    "page.roster.mine": {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD},
}
