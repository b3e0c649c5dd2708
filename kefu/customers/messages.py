"""The customer page's words: codes with parameters, rendered in the reader's language when shown."""
from __future__ import annotations

from django.utils.translation import gettext_noop as _

MESSAGES = {
    "customers.what.customer": _("客户"),
}
