from django.urls import path

from kefu.notify import views

urlpatterns = [
    path("", views.centre, name="centre"),
    path("read-all/", views.read_all, name="read_all"),
    path("n/<int:pk>/open/", views.read_one, name="read_one"),
    path("preference/", views.preference, name="preference"),
]
