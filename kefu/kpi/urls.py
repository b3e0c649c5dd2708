from django.urls import path

from kefu.kpi import views

app_name = "kpi"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("metric/<str:code>/", views.metric_page, name="metric"),
    path("wallboard/", views.wallboard, name="wallboard"),
    path("wallboard/panel/", views.wallboard_panel, name="wallboard_panel"),
    path("export.xlsx", views.export, name="export"),
]
