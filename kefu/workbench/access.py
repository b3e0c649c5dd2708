"""Who may use the workbench and the order search."""

from kefu.org.roles import FRONT_LINE, LEADS, UNMASK_ROLES, Role

ACCEPTORS = FRONT_LINE | {Role.TEAM_LEAD, Role.SUPERVISOR, Role.DISPATCHER}  # as kefu.tickets' tickets.create
SEARCHERS = FRONT_LINE | LEADS | {Role.DISPATCHER, Role.DEPT_HANDLER, Role.QA, Role.ADMIN}  # tickets.list
REPLIERS = SEARCHERS  # anyone who writes a reply may check it first
QA_READERS = LEADS | {Role.QA, Role.ADMIN}
# a customer's whole history: those who take calls, follow orders up and check quality (department handlers see their
# department's orders, not customers' histories)
CUSTOMER_READERS = FRONT_LINE | LEADS | {Role.DISPATCHER, Role.QA, Role.ADMIN}

RULES = {
    "workbench.check": REPLIERS,
    "workbench.accept": ACCEPTORS,
    "workbench.search": SEARCHERS,
    "workbench.overrides": QA_READERS,
    "page.workbench.call": ACCEPTORS,
    "page.workbench.search": SEARCHERS,
    "page.workbench.overrides": QA_READERS,
    # working together on an order: whoever may find the order may read and add comments and attachments
    "workbench.comments": SEARCHERS,
    "workbench.comment": SEARCHERS,
    "workbench.attachments": SEARCHERS,
    "workbench.attach": SEARCHERS,
    "workbench.link": SEARCHERS,
    "workbench.attachment": SEARCHERS,
    "page.workbench.together": SEARCHERS,
    "workbench.customer": CUSTOMER_READERS,
    "page.workbench.customer": CUSTOMER_READERS,
    "page.workbench.customer_unmask": CUSTOMER_READERS & UNMASK_ROLES,
}
