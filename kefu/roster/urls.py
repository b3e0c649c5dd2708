from django.urls import path

from kefu.roster import views

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("generate/", views.generate, name="generate"),
    path("requests/", views.submit_request, name="submit_request"),
    path("<int:roster_id>/", views.detail, name="detail"),
    path("<int:roster_id>/cell/", views.edit_cell, name="edit_cell"),
    path("<int:roster_id>/publish/", views.publish, name="publish"),
    path("<int:roster_id>/repair/", views.repair_preview, name="repair_preview"),
    path("<int:roster_id>/repair/apply/", views.repair_apply, name="repair_apply"),
]
