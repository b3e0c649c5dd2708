from django.contrib import admin
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import include, path

from kefu.api import api
from kefu.errors import http_problem
from kefu.registry import app_modules

admin.site.site_header = "kefu 客服中心运营管理系统 · 配置"
admin.site.site_title = "kefu 配置"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
# Each app's pages live under /<app>/ (web: the root, login and home).
for label, module in app_modules("urls"):
    prefix = "" if label == "web" else f"{label}/"
    urlpatterns.append(path(prefix, include((module.__name__, label), namespace=label)))


# Error pages: JSON {"detail": [{"field", "rule", "message"}]} under /api/, a Chinese page elsewhere.
def _api_error(request, status: int) -> JsonResponse | None:
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse(
        {"detail": [http_problem(status).as_dict()]}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request, exception=None):
    # Standalone page (no request context): a 400 may come from a request whose host is refused.
    return _api_error(request, 400) or HttpResponseBadRequest(loader.render_to_string("400.html"))


def permission_denied(request, exception=None):
    return _api_error(request, 403) or render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return _api_error(request, 404) or render(request, "404.html", status=404)


def server_error(request):
    # Standalone page: rendering must not depend on whatever just failed (database, context processors).
    return _api_error(request, 500) or HttpResponseServerError(loader.render_to_string("500.html"))


handler400 = bad_request
handler403 = permission_denied
handler404 = page_not_found
handler500 = server_error
