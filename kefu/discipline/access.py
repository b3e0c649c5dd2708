from kefu.org.roles import ALL_ROLES, Role

LEADS = {Role.TEAM_LEAD, Role.SUPERVISOR}
DECIDERS = {Role.MANAGER, Role.HR}
STAFF = ALL_ROLES - {Role.AUDITOR, Role.ADMIN}

RULES = {
    "discipline.my_record": STAFF,
    "discipline.transition": STAFF,  # the machine decides who may fire what (subject, lead, manager)
    "discipline.list": LEADS | DECIDERS,
    "discipline.record": LEADS,
    "discipline.from_evidence": LEADS | {Role.MANAGER},
    "discipline.proposals": DECIDERS,
    "discipline.decide_proposal": DECIDERS,
    "discipline.fund": LEADS | DECIDERS,
    "discipline.enter_spending": LEADS | {Role.MANAGER},
    "discipline.decide_spending": DECIDERS,
    "discipline.publish_fund": DECIDERS,
    "discipline.propose_reward": LEADS,
    "discipline.decide_reward": {Role.MANAGER},
    "discipline.month": LEADS | DECIDERS,
    "discipline.compute_month": DECIDERS,
    "discipline.finalise_month": {Role.MANAGER},
    "discipline.reopen_month": {Role.MANAGER},
    "discipline.payroll": DECIDERS,
    "discipline.team_rules": LEADS | DECIDERS,
    "discipline.set_team_rules": {Role.TEAM_LEAD},  # 004:L913; the service also checks it is the caller's own group
    "page.discipline.mine": STAFF,
    "page.discipline.team": LEADS | {Role.MANAGER},
    "page.discipline.decide": DECIDERS,
    "page.discipline.fund": STAFF,
    "page.discipline.group": STAFF,  # a group's rules: its members read, its team lead edits (the service checks)
}
