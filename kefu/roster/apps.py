from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "kefu.roster"
    label = "roster"
    verbose_name = "排班表"

    def ready(self):
        from kefu.telephony import demo as telephony_demo

        from .demo_calls import call_rota

        if call_rota not in telephony_demo.ROTA_SOURCES:
            telephony_demo.ROTA_SOURCES.append(call_rota)
