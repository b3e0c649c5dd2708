from django.urls import path

from kefu.shiftlog import views

urlpatterns = [
    path("", views.mine, name="mine"),
    path("start/", views.start, name="start"),
    path("h/<int:pk>/", views.detail, name="detail"),
    path("h/<int:pk>/update/", views.update, name="update"),
    path("h/<int:pk>/items/", views.add_item, name="add_item"),
    path("h/<int:pk>/transition/", views.transition, name="transition"),
    path("h/<int:pk>/issues/", views.report_issue, name="report_issue"),
    path("h/<int:pk>/issues/<int:issue_id>/dispute/", views.dispute_issue, name="dispute_issue"),
    path("h/<int:pk>/issues/<int:issue_id>/decide/", views.decide_issue, name="decide_issue"),
    path("items/<int:item_id>/close/", views.close_item, name="close_item"),
    path("supervise/", views.supervise, name="supervise"),
]
