from django.urls import path

from kefu.wfm import views

urlpatterns = [
    path("forecast/", views.forecast_page, name="forecast"),
    path("forecast/build/", views.forecast_build, name="forecast_build"),
    path("forecast/adjustments/", views.adjustment_add, name="adjustment_add"),
    path("staffing/", views.staffing_page, name="staffing"),
    path("five-tables/", views.five_tables_page, name="five_tables"),
    path("floor/", views.floor_page, name="floor"),
    path("floor/panel/", views.floor_panel, name="floor_panel"),
    path("floor/observe/", views.floor_observe, name="floor_observe"),
    path("floor/steps/<int:step_id>/decide/", views.floor_decide, name="floor_decide"),
]
