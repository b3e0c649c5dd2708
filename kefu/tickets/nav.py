from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("受理工作台"), "tickets:workspace", "page.tickets.workspace"),
    (_("派单队列"), "tickets:dispatch", "page.tickets.dispatch"),
    (_("部门工单"), "tickets:department", "page.tickets.department"),
    (_("工单看板"), "tickets:board", "page.tickets.board"),
    (_("案例库"), "tickets:cases", "page.tickets.cases"),
]
