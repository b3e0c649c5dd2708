from django.urls import path

from kefu.followup import campaign_views, optout_views, views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.create, name="create"),
    path("t/<int:pk>/", views.detail, name="detail"),
    path("t/<int:pk>/fire/", views.fire, name="fire"),
    path("figures/", views.figures, name="figures"),
    path("figures/ivr/", views.ivr_import, name="ivr_import"),
    path("orders/<int:order_id>/chase/", views.chase, name="chase"),
    path("s/<str:token>/", views.survey, name="survey"),
    path("s/<str:token>/optout/", optout_views.survey_optout, name="survey_optout"),
    path("optouts/", optout_views.optouts, name="optouts"),
    path("optouts/new/", optout_views.record, name="optout_record"),
    path("optouts/<int:pk>/withdraw/", optout_views.withdraw, name="optout_withdraw"),
    path("sms/inbound/", optout_views.sms_inbound, name="sms_inbound"),
    path("campaigns/", campaign_views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", campaign_views.campaign, name="campaign"),
    path("campaigns/<int:pk>/next/", campaign_views.take_next, name="next"),
    path("campaigns/<int:pk>/report/", campaign_views.report, name="campaign_report"),
    path("campaigns/<int:pk>/<str:action>/", campaign_views.campaign_action, name="campaign_action"),
    path("calls/<int:pk>/", campaign_views.call, name="call"),
]
