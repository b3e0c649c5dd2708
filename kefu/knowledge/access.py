from kefu.org.roles import ALL_ROLES, Role

EDITORS = {Role.EDITOR}
REVIEWERS = {Role.TEAM_LEAD}  # 004:L959 班长审核、批准
KB_STAFF = {Role.EDITOR, Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}
KEY_ACCOUNT_READERS = {
    Role.AGENT,
    Role.SENIOR_AGENT,
    Role.TEAM_LEAD,
    Role.SUPERVISOR,
    Role.EDITOR,
    Role.DISPATCHER,
    Role.MANAGER,
}

RULES = {
    "knowledge.check": ALL_ROLES,
    "knowledge.search": ALL_ROLES,
    "knowledge.get_article": ALL_ROLES,
    "knowledge.list_articles": KB_STAFF,
    "knowledge.create_article": EDITORS,
    "knowledge.revise_article": EDITORS,
    "knowledge.submit_version": EDITORS,
    "knowledge.approve_version": REVIEWERS,
    "knowledge.reject_version": REVIEWERS,
    "knowledge.retire_article": {Role.EDITOR, Role.TEAM_LEAD},
    "knowledge.expiring": KB_STAFF,
    "knowledge.notifications": ALL_ROLES,
    "knowledge.read_notification": ALL_ROLES,
    "knowledge.list_phrases": ALL_ROLES,
    "knowledge.render_phrase": ALL_ROLES,
    "knowledge.save_phrase": EDITORS,
    "knowledge.list_phrase_rules": ALL_ROLES,
    "knowledge.save_phrase_rule": {Role.EDITOR, Role.QA},
    "knowledge.list_synonyms": KB_STAFF,
    "knowledge.save_synonym": EDITORS,
    "knowledge.list_key_accounts": KEY_ACCOUNT_READERS,
    "knowledge.save_key_account": EDITORS,  # 004:L961
    "page.knowledge.search": ALL_ROLES,
    "page.knowledge.phrases": ALL_ROLES,
    "page.knowledge.checker": ALL_ROLES,
    "page.knowledge.editor": {Role.EDITOR, Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN},
    "page.knowledge.review": REVIEWERS,
}
