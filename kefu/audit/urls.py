from django.urls import path

from kefu.audit import views

urlpatterns = [
    path("", views.search, name="search"),
    path("export/", views.export, name="export"),
]
