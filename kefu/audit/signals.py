"""Logins and failed logins go to the audit log (who, when, from where)."""

from kefu.audit.models import AuditRecord
from kefu.audit.services import record


def logged_in(sender, request, user, **kwargs):
    record(request, AuditRecord.Action.LOGIN, object_type="user", ids=[user.pk], note="登录成功", user=user)


def login_failed(sender, credentials, request=None, **kwargs):
    name = str(credentials.get("username", ""))[:50]
    record(request, AuditRecord.Action.LOGIN, object_type="user", ids=[], note=f"登录失败：{name}")
