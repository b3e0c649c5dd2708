from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "kefu.roster"
    label = "roster"
    verbose_name = "排班表"

    def ready(self):
        from kefu import registry

        from .demo_calls import call_rota

        registry.provide("demo.call_rota", call_rota)
