from kefu.attendance.machine import LEAVE_APPROVERS
from kefu.org.roles import ALL_ROLES, Role

_APPROVERS = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER}

RULES = {
    "attendance.submit_leave": ALL_ROLES - {Role.AUDITOR},
    "attendance.my_leave": ALL_ROLES - {Role.AUDITOR},
    "attendance.cancel_leave": ALL_ROLES - {Role.AUDITOR},
    "attendance.pending_leave": _APPROVERS | {Role.HR},
    "attendance.decide_leave": set(LEAVE_APPROVERS),  # the roles an approval ladder may name
    "attendance.request_swap": {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.QA, Role.DISPATCHER},
    "attendance.decide_swap": {Role.TEAM_LEAD, Role.SUPERVISOR},
    "attendance.answer_swap": {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.QA, Role.DISPATCHER},
    "attendance.cancel_swap": {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.QA, Role.DISPATCHER},
    "attendance.record_post_check": {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER},
    "attendance.import_clock": {Role.HR, Role.ADMIN},
    "attendance.month_sheet": _APPROVERS | {Role.HR},
    "attendance.publish_sheet": {Role.HR, Role.MANAGER},
    "attendance.my_sheet": ALL_ROLES - {Role.AUDITOR},
    "page.attendance.mine": ALL_ROLES - {Role.AUDITOR},
    "page.attendance.approvals": _APPROVERS,
    "page.attendance.sheet": _APPROVERS | {Role.HR},
}
