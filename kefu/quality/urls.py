from django.urls import path

from kefu.quality import views

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("sample/", views.sample, name="sample"),
    path("evaluations/<int:pk>/", views.evaluation, name="evaluation"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("calibrations/", views.calibrations, name="calibrations"),
    path("calibrations/<int:pk>/", views.calibration, name="calibration"),
    path("appeals/", views.appeals, name="appeals"),
    path("shift/", views.shift, name="shift"),
    path("shift/reports/<int:pk>/read/", views.read_report, name="read_report"),
]
