"""Who may open a customer's page (the whole history): those who take calls, follow orders up and check quality.
Department handlers see their department's orders, not customers' histories."""
from kefu.org.roles import FRONT_LINE, LEADS, UNMASK_ROLES, Role

READERS = FRONT_LINE | LEADS | {Role.DISPATCHER, Role.QA, Role.ADMIN}

RULES = {
    "customers.history": READERS,
    "page.customers.detail": READERS,
    "page.customers.unmask": READERS & UNMASK_ROLES,
}
