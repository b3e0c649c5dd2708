"""The roster's notifications: codes with parameters, rendered in the reader's language when shown."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "roster.repair.changed": _("因缺勤重排，您在 %(start)s 起的排班表中 %(days)s 的班次有调整，请查看"),
}
