"""The JSON API (django-ninja): one NinjaAPI, routers from the apps, domain errors mapped once to
{"code", "message"} with the error's HTTP status (and Retry-After when rate limited). OpenAPI at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import django_auth

from bansos.accounts.api import accounts_router, token_auth
from bansos.cases.api import cases_router
from bansos.core.errors import DomainError, RequestInvalid, RequestUnreadable
from bansos.core.jsonout import ORJSONParser, ORJSONRenderer
from bansos.linkage.api import linkage_router
from bansos.lookup.api import lookup_router, regions_router
from bansos.lookup.ratelimit import RateLimited

api = NinjaAPI(
    title="Bansos API",
    version="1",
    urls_namespace="api",
    renderer=ORJSONRenderer(),
    parser=ORJSONParser(),
)
# Casework also takes the phone app's bearer token (bansos.accounts.api) wherever it takes a session;
# operations with an auth of their own keep it.
cases_router.auth = [token_auth, django_auth]


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(request, {"code": exc.code, "message": exc.message}, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


# What django-ninja refuses before a view runs gets the same {"code", "message"} shape, in the user's
# language (ninja's own answers are English only).
@api.exception_handler(HttpError)
def unreadable(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code != 400:  # 401/403/429 (ninja's auth, CSRF and throttling): ninja's own answer
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
    # The only 400 ninja raises: a request body it cannot parse.
    return domain_error(request, RequestUnreadable(_("The request could not be read: send a JSON object.")))


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    message = _("A field of the request is missing or has the wrong type (see detail).")
    error = RequestInvalid(message)
    return api.create_response(
        request, {"code": error.code, "message": error.message, "detail": exc.errors}, status=error.status
    )


# The public check first: URLs are matched in this order, and its routes take nearly all the traffic.
api.add_router("/lookup", lookup_router)
api.add_router("/regions", regions_router)
api.add_router("/accounts", accounts_router)
api.add_router("/cases", cases_router)
api.add_router("/linkage", linkage_router)
