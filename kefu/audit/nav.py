ITEMS = [("审计查询", "audit:search", "page.audit.search")]
