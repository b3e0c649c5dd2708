from django.urls import path

from kefu.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/results", views.search_results, name="search_results"),
    path("articles/<int:article_id>/", views.article_page, name="article"),
    path("notifications/<int:notification_id>/read", views.notification_read, name="notification_read"),
    path("phrases/", views.phrases_page, name="phrases"),
    path("phrases/picker", views.phrase_picker, name="phrase_picker"),
    path("phrases/render", views.phrase_render, name="phrase_render"),
    path("checker/", views.checker_page, name="checker"),
    path("check", views.check_partial, name="check"),
    path("editor/", views.editor_page, name="editor"),
    path("editor/new", views.editor_form, name="editor_new"),
    path("editor/<int:article_id>/", views.editor_form, name="editor_edit"),
    path("editor/versions/<int:version_id>/submit", views.submit_page, name="submit"),
    path("editor/<int:article_id>/retire", views.retire_page, name="retire"),
    path("review/", views.review_page, name="review"),
    path("review/<int:version_id>/", views.review_decide, name="review_decide"),
]
