from django.urls import path

from kefu.workbench import views

urlpatterns = [
    path("", views.call, name="call"),
    path("pop/", views.pop, name="pop"),
    path("knowledge/", views.knowledge_panel, name="knowledge"),
    path("phrases/", views.phrases_panel, name="phrases"),
    path("check/", views.check_panel, name="check"),
    path("search/", views.search, name="search"),
    path("search/views/", views.save_view, name="save_view"),
    path("search/views/<int:view_id>/delete/", views.delete_view, name="delete_view"),
    path("overrides/", views.overrides, name="overrides"),
    path("orders/<int:order_id>/", views.together, name="together"),
    path("orders/<int:order_id>/comments/", views.comment, name="comment"),
    path("orders/<int:order_id>/attachments/", views.attach, name="attach"),
    path("orders/<int:order_id>/recordings/", views.link, name="link"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("customers/<int:customer_id>/", views.customer, name="customer"),
    path("customers/<int:customer_id>/unmask/", views.customer_unmask, name="customer_unmask"),
]
