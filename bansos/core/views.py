from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from bansos.registry.selectors import registry_summary


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"summary": registry_summary()})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
