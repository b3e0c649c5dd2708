from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "kefu.discipline"
    label = "discipline"
    verbose_name = "奖惩与考核"

    def ready(self):
        from kefu import registry

        from . import services

        # the phrase checker flags a group's own discouraged phrases in its members' texts (004:L913)
        registry.provide("knowledge.group_phrases", services.group_phrase_rules)
