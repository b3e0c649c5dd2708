"""The handover diary's message catalogue (codes with named parameters, rendered in the reader's language)."""
from django.utils.translation import gettext_noop as _

MESSAGES = {
    "shiftlog.not_rostered_shift": _("班次：您 %(day)s 排的是%(shift)s（%(start)s–%(end)s），交班日记须按所排班次填写"),
}
