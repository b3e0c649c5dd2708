from kefu.org.roles import Role

# Call data is operations data: the floor's leaders and QA read it; imports are for those who run the ACD data.
READERS = {Role.ADMIN, Role.MANAGER, Role.SUPERVISOR, Role.TEAM_LEAD, Role.QA}
IMPORTERS = {Role.ADMIN, Role.MANAGER, Role.SUPERVISOR}

RULES = {
    "telephony.list_batches": READERS,
    "telephony.list_calls": READERS,
    "telephony.import_file": IMPORTERS,
    "page.telephony.import": IMPORTERS,
}
