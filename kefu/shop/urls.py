from django.urls import path

from kefu.shop import views

urlpatterns = [
    path("", views.orders, name="orders"),
    path("import/", views.import_orders, name="import"),
    path("o/<int:pk>/", views.order, name="order"),
    path("o/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("o/<int:pk>/remark/", views.remark, name="remark"),
    path("o/<int:pk>/case/", views.open_case, name="open_case"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/move/", views.move_case, name="move_case"),
    path("returns/", views.match_return, name="match_return"),
    path("notebooks/", views.notebooks, name="notebooks"),
    path("notebooks/do/", views.notebook_action, name="notebook_action"),
    path("commission/", views.commission, name="commission"),
]
