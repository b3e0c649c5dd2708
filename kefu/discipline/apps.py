from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "kefu.discipline"
    label = "discipline"
    verbose_name = "奖惩与考核"

    def ready(self):
        from kefu.knowledge import services as knowledge

        from . import services

        # the phrase checker flags a group's own discouraged phrases in its members' texts (004:L913)
        knowledge.add_group_phrase_source(services.group_phrase_rules)
