from django.contrib import admin
from django.urls import include, path

from kefu.api import api
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
