from django.urls import path

from kefu.training import views

urlpatterns = [
    path("", views.index, name="index"),
    path("quizzes/<int:pk>/take/", views.take, name="take"),
    path("quizzes/<int:pk>/results/", views.results, name="results"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("products/", views.products, name="products"),
]
