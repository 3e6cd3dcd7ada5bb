from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from bansos.core import pwa
from bansos.registry.selectors import registry_summary


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"summary": registry_summary()})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(pwa.manifest(), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the root so that it controls the whole site; always revalidated."""
    response = render(
        request, "core/sw.js", pwa.service_worker_context(), content_type="application/javascript"
    )
    response["Service-Worker-Allowed"] = "/"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "core/offline.html")
