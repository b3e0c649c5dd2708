from kefu.org.roles import Role

RULES = {
    "audit.search": {Role.AUDITOR, Role.ADMIN},
    "page.audit.search": {Role.AUDITOR, Role.ADMIN},
}
