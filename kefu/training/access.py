from kefu.org.roles import ALL_ROLES, Role

TRAINERS = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.EDITOR, Role.MANAGER}
TAKERS = {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR, Role.QA, Role.EDITOR, Role.DISPATCHER}

RULES = {
    "training.list_quizzes": ALL_ROLES,
    "training.get_quiz": TAKERS | TRAINERS,
    "training.create_quiz": TRAINERS,
    "training.submit_attempt": TAKERS,
    "training.get_attempt": TAKERS | TRAINERS | {Role.HR},
    "training.quiz_results": TRAINERS | {Role.HR, Role.QA},
    "training.list_products": ALL_ROLES,
    "training.create_product": {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER},
    "training.record_training": {Role.TEAM_LEAD, Role.SUPERVISOR, Role.EDITOR},
    "training.put_on_sale": {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER},
}
