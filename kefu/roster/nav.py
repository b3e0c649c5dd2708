ITEMS = [("排班", "roster:index", "page.roster.view")]
