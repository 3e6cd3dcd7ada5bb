from django.contrib import admin
from django.urls import include, path

from bansos.core import views as core_views
from config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("bansos.accounts.urls")),
    path("cek/", include("bansos.lookup.urls")),
    path("", include("bansos.linkage.urls")),
    path("", include("bansos.accounts.officer_urls")),
    path("", include("bansos.core.urls")),
    path("", include("bansos.cases.urls")),
    path("", include("bansos.notices.urls")),
    path("statistik/", include("bansos.stats.urls")),
    path("", core_views.home, name="home"),
]
