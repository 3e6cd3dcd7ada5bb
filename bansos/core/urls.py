"""Site-wide pages of the core app: the phone app's manifest, service worker (at the root, so its scope is
the whole site) and offline page."""

from django.urls import path

from bansos.core import views

app_name = "core"

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
    path("offline/", views.offline, name="offline"),
]
