"""Who may call follow-up operations. Who may move a given task (its owner; leads reassign and cancel) is declared
in the machine and answers 403 too."""

from kefu.org.roles import Role

FRONT = {Role.AGENT, Role.SENIOR_AGENT, Role.TEAM_LEAD, Role.SUPERVISOR, Role.DISPATCHER}
LEADS = {Role.TEAM_LEAD, Role.SUPERVISOR, Role.MANAGER}

RULES = {
    "followup.queue": FRONT | LEADS,
    "followup.get": FRONT | LEADS,
    "followup.create": FRONT | LEADS,
    "followup.fire": FRONT | LEADS,
    "followup.figures": LEADS,
    "followup.chase": FRONT | LEADS,  # who may chase which way is checked again in chasing.chase (403)
    "followup.chase_departments": LEADS | {Role.DISPATCHER},
    "page.followup.chase": FRONT | LEADS,
    "page.followup.queue": FRONT | LEADS,
    "page.followup.figures": LEADS,
    # outbound campaigns: leads create and manage them and see the list and report; front-line agents work them
    "followup.campaigns": FRONT | LEADS,
    "followup.campaign_get": FRONT | LEADS,
    "followup.campaign_create": LEADS,
    "followup.campaign_select": LEADS,
    "followup.campaign_upload": LEADS,
    "followup.campaign_grant": LEADS,
    "followup.campaign_end": LEADS,
    "followup.campaign_calls": LEADS,
    "followup.campaign_report": LEADS,
    "followup.campaign_release": LEADS,  # the campaign's owner, checked again in campaigns.release (403)
    "followup.campaign_next": FRONT,
    "followup.call_get": FRONT | LEADS,
    "followup.call_fire": FRONT,
    "page.followup.campaigns": FRONT | LEADS,
    "page.followup.campaign_manage": LEADS,
    "page.followup.call": FRONT,
    "followup.ivr_import": LEADS,
    "page.followup.ivr": LEADS,
    # a customer's refusal of follow-up contact: anyone on the phone records it; anyone may withdraw it when the
    # customer agrees to be contacted again (with a reason, audited)
    "page.followup.optouts": FRONT | LEADS,
    "followup.optouts": FRONT | LEADS,
    "followup.optout_record": FRONT | LEADS,
    "followup.optout_withdraw": FRONT | LEADS,
}
