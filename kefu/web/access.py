from kefu.org.roles import Role

RULES = {
    # the home page's notice of failing timers (kefu.web.timers): the people who run the floor and the system
    "page.web.timer_failures": {Role.ADMIN, Role.SUPERVISOR},
}
