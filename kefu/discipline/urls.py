from django.urls import path

from . import views

urlpatterns = [
    path("", views.mine, name="mine"),
    path("violations/<int:pk>/fire/", views.fire_violation, name="fire"),
    path("team/", views.team, name="team"),
    path("team/record/", views.record, name="record"),
    path("team/evidence/", views.evidence, name="evidence"),
    path("team/reward/", views.propose_reward, name="propose_reward"),
    path("decide/", views.decide, name="decide"),
    path("decide/<str:kind>/<int:pk>/", views.decide_action, name="decide_action"),
    path("month/<str:action>/", views.month_action, name="month_action"),
    path("payroll.xlsx", views.payroll, name="payroll"),
    path("fund/", views.fund, name="fund"),
    path("fund/spend/", views.spend, name="spend"),
    path("fund/publish/", views.publish, name="publish"),
    path("group/", views.group, name="group"),
    path("group/<int:team_id>/<str:kind>/", views.group_save, name="group_save"),
]
