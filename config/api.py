"""The JSON API (django-ninja): one NinjaAPI, routers from the apps, domain errors mapped once to
{"code", "message"} with the error's HTTP status (and Retry-After when rate limited). OpenAPI at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from bansos.accounts.api import accounts_router, token_auth
from bansos.cases.api import cases_router
from bansos.core.errors import DomainError
from bansos.core.jsonout import ORJSONRenderer
from bansos.linkage.api import linkage_router
from bansos.lookup.api import lookup_router, regions_router
from bansos.lookup.ratelimit import RateLimited

api = NinjaAPI(title="Bansos API", version="1", urls_namespace="api", renderer=ORJSONRenderer())
# Casework also takes the phone app's bearer token (bansos.accounts.api) wherever it takes a session;
# operations with an auth of their own keep it.
cases_router.auth = [token_auth, django_auth]


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(request, {"code": exc.code, "message": exc.message}, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


# The public check first: URLs are matched in this order, and its routes take nearly all the traffic.
api.add_router("/lookup", lookup_router)
api.add_router("/regions", regions_router)
api.add_router("/accounts", accounts_router)
api.add_router("/cases", cases_router)
api.add_router("/linkage", linkage_router)
