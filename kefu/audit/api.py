from __future__ import annotations

import re
from datetime import datetime

from ninja import Router, Schema

from kefu.access import op
from kefu.audit.models import AuditRecord
from kefu.scope import caller

router = Router(tags=["审计 audit"])


class AuditOut(Schema):
    id: int
    at: datetime
    staff_no: str
    action: str
    channel: str
    object_type: str
    object_ids: str
    fields: str
    path: str
    ip: str | None
    note: str


@op(router.get, "/records", "audit.search", response=list[AuditOut])
def search(request, staff_no: str | None = None, action: str | None = None, object_type: str | None = None,
           object_id: str | None = None, since: datetime | None = None, until: datetime | None = None, limit: int = 200):
    qs = caller(request).filter(AuditRecord.objects.all())  # the auditor's own center's records
    if staff_no:
        qs = qs.filter(staff_no=staff_no)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_ids__regex=rf"(^|,){re.escape(object_id)}(,|$)")
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return list(qs[: max(1, min(limit, 1000))])
