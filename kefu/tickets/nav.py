ITEMS = [
    ("受理工作台", "tickets:workspace", "page.tickets.workspace"),
    ("派单队列", "tickets:dispatch", "page.tickets.dispatch"),
    ("部门工单", "tickets:department", "page.tickets.department"),
    ("工单看板", "tickets:board", "page.tickets.board"),
    ("案例库", "tickets:cases", "page.tickets.cases"),
]
