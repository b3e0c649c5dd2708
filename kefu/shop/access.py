"""Who may call the shop desk's operations. Which after-sales step a role may take is declared in the case's machine
(kefu/shop/machine.py) and answers 403 too; department handlers are the after-sales colleagues (003:L191 售后同事)."""

from kefu.org.roles import Role

AGENTS = {Role.AGENT, Role.SENIOR_AGENT}
LEADS = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER}
AFTER_SALES = {Role.DEPT_HANDLER}
DESK = AGENTS | LEADS | AFTER_SALES

RULES = {
    "shop.shops": DESK | {Role.ADMIN},
    "shop.create_shop": LEADS | {Role.ADMIN},
    "shop.orders": DESK,
    "shop.order": DESK,
    "shop.create_order": AGENTS | LEADS,
    "shop.import_orders": AGENTS | LEADS,
    "shop.confirm": AGENTS | LEADS,
    "shop.remark": AGENTS | LEADS,
    "shop.commission": LEADS,
    "shop.commission_xlsx": LEADS,
    "shop.cases": DESK,
    "shop.case": DESK,
    "shop.open_case": AGENTS | LEADS | AFTER_SALES,
    "shop.move_case": AGENTS | LEADS | AFTER_SALES,
    "shop.match_return": AGENTS | LEADS | AFTER_SALES,
    "shop.problems": AGENTS | LEADS,
    "shop.add_problem": AGENTS | LEADS,
    "shop.hand_in": AGENTS | LEADS,
    "shop.consolidate": LEADS,
    "shop.stats": AGENTS | LEADS,
    "shop.record_stat": AGENTS,
    "shop.reviews": DESK,
    "shop.open_review": DESK,
    "shop.move_review": DESK,
    "shop.complaints": LEADS | AFTER_SALES,
    "shop.open_complaint": LEADS | AFTER_SALES,
    "shop.move_complaint": LEADS | AFTER_SALES,
    "shop.monthly_review": LEADS | AFTER_SALES,
    "shop.import_chats": AGENTS | LEADS,
    "shop.chat_kpis": LEADS,
    "page.shop.orders": DESK,
    "page.shop.cases": DESK,
    "page.shop.notebooks": AGENTS | LEADS,
    "page.shop.commission": LEADS,
}
