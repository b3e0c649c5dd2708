from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kefu.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from kefu.audit import signals

        user_logged_in.connect(signals.logged_in, dispatch_uid="kefu-audit-login")
        user_login_failed.connect(signals.login_failed, dispatch_uid="kefu-audit-login-failed")
