"""Who may call each tickets operation. Who may fire each transition is declared in machine.py."""

from kefu.org.roles import ALL_ROLES, FRONT_LINE, LEADS, UNMASK_ROLES, Role
from kefu.tickets import machine

ACCEPTORS = FRONT_LINE | {Role.TEAM_LEAD, Role.SUPERVISOR, Role.DISPATCHER}
VIEWERS = FRONT_LINE | LEADS | {Role.DISPATCHER, Role.DEPT_HANDLER, Role.QA, Role.ADMIN}
ACTORS = frozenset().union(*(t.roles for t in machine.TRANSITIONS))
APPROVERS = {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}

RULES = {
    "tickets.create": ACCEPTORS,
    "tickets.busy_options": ACCEPTORS,
    "tickets.list": VIEWERS,
    "tickets.categories": VIEWERS,
    "tickets.detail": VIEWERS,
    "tickets.transitions": VIEWERS,
    "tickets.transition": ACTORS,
    "tickets.bulk": machine.BY_NAME["dispatch"].roles | machine.BY_NAME["claim"].roles,
    "tickets.merge": machine.BY_NAME["merge"].roles,
    "tickets.split": machine.BY_NAME["split"].roles,
    "tickets.screen_pop": ACCEPTORS,
    "tickets.unmask": UNMASK_ROLES,
    "tickets.compensation_request": ACCEPTORS | {Role.DEPT_HANDLER},
    "tickets.compensation_decide": APPROVERS,
    "tickets.compensations": VIEWERS,
    "tickets.cases": ALL_ROLES,
    "tickets.board": LEADS | {Role.DISPATCHER},
    "tickets.export": LEADS | {Role.DISPATCHER},
    # pages
    "page.tickets.workspace": ACCEPTORS,
    "page.tickets.dispatch": {Role.DISPATCHER, Role.SUPERVISOR},
    "page.tickets.department": {Role.DEPT_HANDLER, Role.SUPERVISOR},
    "page.tickets.board": LEADS | {Role.DISPATCHER},
    "page.tickets.detail": VIEWERS,
    "page.tickets.cases": ALL_ROLES,
}
