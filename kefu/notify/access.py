"""Who may call the notification operations: everyone reads their own; administrators configure channels."""

from kefu.org.roles import ALL_ROLES, Role

EVERYONE = set(ALL_ROLES)
ADMINS = {Role.ADMIN}

RULES = {
    "notify.mine": EVERYONE,
    "notify.read": EVERYONE,
    "notify.read_all": EVERYONE,
    "notify.preference": EVERYONE,
    "notify.save_preference": EVERYONE,
    "notify.channels": ADMINS,
    "notify.save_channel": ADMINS,
    "notify.outbox": ADMINS,
    "notify.requeue": ADMINS,
    "page.notify.centre": EVERYONE,
    "page.notify.channels": ADMINS,
}
