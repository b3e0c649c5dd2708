from django.urls import path

from kefu.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("screen-pop/", views.screen_pop, name="screen_pop"),
    path("dispatch/", views.dispatch_queue, name="dispatch"),
    path("department/", views.department_queue, name="department"),
    path("bulk/", views.bulk, name="bulk"),
    path("board/", views.board, name="board"),
    path("cases/", views.cases, name="cases"),
    path("cases/search/", views.case_search, name="case_search"),
    path("orders/<int:order_id>/", views.detail, name="detail"),
    path("orders/<int:order_id>/fire/", views.fire, name="fire"),
    path("orders/<int:order_id>/unmask/", views.unmask, name="unmask"),
]
