from kefu.org.roles import Role

QA_SIDE = {Role.QA, Role.EDITOR}  # 采编员 has the same QA duties as 质检员 (004:L949–953)
LEADS = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER}
AGENTS = {Role.AGENT, Role.SENIOR_AGENT}

RULES = {
    "quality.list_scorecards": QA_SIDE | LEADS | AGENTS | {Role.ADMIN},  # agents see the scoring method (004:L1535)
    "quality.publish_scorecard": {Role.QA, Role.TEAM_LEAD, Role.ADMIN},
    "quality.create_month_tasks": {Role.QA, Role.TEAM_LEAD},
    "quality.assign_spot_check": QA_SIDE | {Role.TEAM_LEAD, Role.SUPERVISOR},
    "quality.list_evaluations": QA_SIDE | LEADS | AGENTS | {Role.ADMIN},
    "quality.get_evaluation": QA_SIDE | LEADS | AGENTS | {Role.ADMIN},
    "quality.score": QA_SIDE | {Role.TEAM_LEAD},
    "quality.acknowledge": AGENTS,
    "quality.appeal": AGENTS,
    "quality.decide_appeal": {Role.TEAM_LEAD},
    "quality.create_calibration": {Role.QA, Role.TEAM_LEAD},
    "quality.get_calibration": QA_SIDE | LEADS,
    "quality.shift_summary": QA_SIDE | LEADS,
    "quality.deliver_shift_report": QA_SIDE,
    "quality.read_shift_report": {Role.TEAM_LEAD},
    "quality.monitoring_scores": LEADS | QA_SIDE | {Role.HR},
    # pages only
    "page.quality.tasks": QA_SIDE | LEADS | AGENTS,
    "page.quality.appeals": {Role.TEAM_LEAD},
}
