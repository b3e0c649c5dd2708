from django.urls import path

from kefu.followup import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.create, name="create"),
    path("t/<int:pk>/", views.detail, name="detail"),
    path("t/<int:pk>/fire/", views.fire, name="fire"),
    path("figures/", views.figures, name="figures"),
    path("orders/<int:order_id>/chase/", views.chase, name="chase"),
    path("s/<str:token>/", views.survey, name="survey"),
]
