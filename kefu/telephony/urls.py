from django.urls import path

from kefu.telephony import views

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/upload/", views.upload, name="upload"),
]
