from kefu.org.roles import ALL_ROLES, Role

RULES = {
    "workcal.days": ALL_ROLES,
    "workcal.due": ALL_ROLES,
    "workcal.set_override": {Role.ADMIN},
    "workcal.remove_override": {Role.ADMIN},
}
