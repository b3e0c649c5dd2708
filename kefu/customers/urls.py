from django.urls import path

from kefu.customers import views

urlpatterns = [
    path("<int:customer_id>/", views.detail, name="detail"),
    path("<int:customer_id>/unmask/", views.unmask, name="unmask"),
]
