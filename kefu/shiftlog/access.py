"""Who may call the handover diary's operations. Party checks (only the outgoing side signs out, only the
incoming side countersigns) live in the declared machine and services and answer 403 too."""

from kefu.org.roles import Role

WRITERS = {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR, Role.DISPATCHER}
LEADS = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER}

RULES = {
    "shiftlog.shifts": WRITERS | LEADS,
    "shiftlog.mine": WRITERS,
    "shiftlog.get": WRITERS | LEADS,
    "shiftlog.start": WRITERS,
    "shiftlog.update": WRITERS,
    "shiftlog.add_item": WRITERS,
    "shiftlog.close_item": WRITERS | LEADS,
    "shiftlog.transition": WRITERS,
    "shiftlog.report_issue": WRITERS | LEADS,
    "shiftlog.dispute_issue": WRITERS,
    "shiftlog.decide_issue": LEADS,
    "shiftlog.supervise": LEADS,
    "shiftlog.open_items": LEADS,
    "page.shiftlog.mine": WRITERS,
    "page.shiftlog.supervise": LEADS,
    "page.shiftlog.view": WRITERS | LEADS,  # one diary: its parties, or a lead (checked again in present.can_view)
    "page.shiftlog.close": WRITERS | LEADS,
}
