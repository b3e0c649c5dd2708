from django.urls import path

from kefu.attendance import views

urlpatterns = [
    path("", views.mine, name="mine"),
    path("leave/", views.submit_leave, name="submit_leave"),
    path("swaps/", views.request_swap, name="request_swap"),
    path("swaps/<int:pk>/answer/", views.answer_swap, name="answer_swap"),
    path("approvals/", views.approvals, name="approvals"),
    path("post-checks/", views.post_check, name="post_check"),
    path("approvals/<str:kind>/<int:pk>/", views.decide, name="decide"),
    path("sheet/", views.sheet, name="sheet"),
    path("sheet/publish/", views.publish, name="publish"),
]
