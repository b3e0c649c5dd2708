import importlib

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kefu.api import api

admin.site.site_header = "kefu 客服中心运营管理系统 · 配置"
admin.site.site_title = "kefu 配置"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
# Each app's pages live under /<app>/ (web: the root, login and home).
for app in settings.KEFU_APPS:
    try:
        importlib.import_module(f"{app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.urls":
            raise
        continue
    label = app.rsplit(".", 1)[1]
    prefix = "" if label == "web" else f"{label}/"
    urlpatterns.append(path(prefix, include((f"{app}.urls", label), namespace=label)))
