from kefu.org.roles import ALL_ROLES, Role

RULES = {
    "org.me": ALL_ROLES,
    "org.list_staff": ALL_ROLES,
    "org.list_departments": ALL_ROLES,
    "org.list_teams": ALL_ROLES,
    "org.create_staff": {Role.ADMIN, Role.HR},
    "org.set_roles": {Role.ADMIN},
    "org.get_policy": {Role.ADMIN, Role.MANAGER, Role.TEAM_LEAD, Role.SUPERVISOR},
    "org.update_policy": {Role.ADMIN},
    "org.issue_token": {Role.ADMIN},
}
