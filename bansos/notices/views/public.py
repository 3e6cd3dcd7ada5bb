"""Public pages: news (/berita/) filtered by region and program, announcement pages, feeds, e-mail
subscriptions with double opt-in, one-click unsubscribe, the Web Push endpoint and the help page."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bansos.cases.views.common import region_selection
from bansos.core.errors import DomainError
from bansos.lookup import ratelimit
from bansos.notices import selectors, services
from bansos.notices.channels import available_channels
from bansos.notices.forms import SubscribeForm, UserSubscribeForm
from bansos.notices.models import Announcement, Channel
from bansos.programs.models import Program

PAGE_SIZE = 20
BAD_LINK = _("This link is not valid. It may have been mistyped.")
LEVELS = ("village", "district", "regency", "province")


def chosen_region(selection: dict[str, Any]) -> str:
    chosen = selection["chosen"]
    return next((chosen[level] for level in LEVELS if level in chosen), "")


def _program(data: QueryDict) -> Program | None:
    code = data.get("program", "")[:16]
    return Program.objects.filter(code=code).first() if code else None


def filters(data: QueryDict) -> dict[str, Any]:
    """Region (the deepest valid select, or ``region`` as a code) and program from a query string."""
    selection = region_selection(data)
    region = chosen_region(selection)
    if not region and data.get("region", "").isdigit():
        from bansos.regions.selectors import region_exists

        code = data.get("region", "")[:10]
        region = code if region_exists(code) else ""
    return {"selection": selection, "region": region, "program": _program(data)}


def news(request: HttpRequest) -> HttpResponse:
    found = filters(request.GET)
    program = found["program"]
    queryset = selectors.visible_announcements(
        region=found["region"], program_id=program.pk if program else None
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    feed_query = QueryDict(mutable=True)
    if found["region"]:
        feed_query["region"] = found["region"]
    if program:
        feed_query["program"] = program.code
    return render(
        request,
        "notices/news.html",
        {
            "page": page,
            "selection": found["selection"],
            "programs": Program.objects.filter(active=True).order_by("code"),
            "program": program,
            "region": found["region"],
            "query": query.urlencode(),
            "feed_query": feed_query.urlencode(),
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = Announcement.objects.select_related("program").filter(pk=pk).first()
    if announcement is None or not announcement.is_visible():
        raise Http404
    names = selectors.region_names(list(announcement.regions))
    return render(
        request,
        "notices/detail.html",
        {"a": announcement, "regions": [(c, names.get(c, c)) for c in announcement.regions]},
    )


def _channel_choices() -> list[tuple[str, str]]:
    return [(c, str(Channel(c).label)) for c in available_channels()]


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    user = request.user
    logged_in = bool(user.is_authenticated)
    data = request.POST if request.method == "POST" else request.GET

    def form_page(form: Any, error: str = "", status: int = 200) -> HttpResponse:
        return render(
            request,
            "notices/subscribe.html",
            {"form": form, "selection": region_selection(data), "error": error, "logged_in": logged_in},
            status=status,
        )

    def new_form(bound: QueryDict | None = None) -> Any:
        if logged_in:
            return UserSubscribeForm(bound, channels=_channel_choices())
        return SubscribeForm(bound)

    if request.method == "GET" or data.get("step"):
        return form_page(new_form(data if data.get("step") else None))
    limit, window = settings.NOTICES_SUBSCRIBE_RATE_PER_IP
    try:
        ratelimit.hit("subscribe", ratelimit.client_ip(request), limit=limit, window=window)
    except ratelimit.RateLimited as exc:
        response = form_page(new_form(), exc.message, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    form = new_form(data)
    if not form.is_valid():
        return form_page(form, status=400)
    region = chosen_region(region_selection(data))
    # A region code typed or sent without the selects (API-like use) is checked by the service.
    if not region and data.get("region"):
        region = data["region"][:20]
    program = form.cleaned_data["program"]
    channel = form.cleaned_data.get("channel", Channel.EMAIL) if logged_in else Channel.EMAIL
    try:
        if logged_in and (channel != Channel.EMAIL or not form.cleaned_data["email"]):
            subscription = services.subscription_create_for_user(
                user=user,
                channel=channel,
                region_code=region,
                program=program,
                phone=form.cleaned_data.get("phone", ""),
            )
        else:
            subscription = services.subscription_create_email(
                email=form.cleaned_data["email"], region_code=region, program=program
            )
    except DomainError as exc:
        return form_page(form, exc.message, status=exc.status)
    return render(request, "notices/subscribed.html", {"s": subscription})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = services.subscription_confirm(token=token)
    except DomainError as exc:
        return render(request, "notices/token_error.html", {"error": exc.message}, status=404)
    return render(request, "notices/confirmed.html", {"s": subscription})


@csrf_exempt  # the token in the address is the credential; mail clients POST here (RFC 8058 one-click)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (link scanners must not unsubscribe people); POST unsubscribes."""
    if request.method == "GET":
        from bansos.notices.models import Subscription

        if not Subscription.objects.filter(token=token[:43]).exists():
            return render(request, "notices/token_error.html", {"error": BAD_LINK}, status=404)
        return render(request, "notices/unsubscribe.html", {"token": token})
    try:
        subscription = services.subscription_unsubscribe(token=token)
    except DomainError as exc:
        return render(request, "notices/token_error.html", {"error": exc.message}, status=404)
    return render(request, "notices/unsubscribed.html", {"s": subscription})


@login_required
@require_http_methods(["POST", "DELETE"])
def push_subscription(request: HttpRequest) -> JsonResponse:
    """JSON from PushSubscription.toJSON(): {"endpoint": ..., "keys": {"p256dh": ..., "auth": ...}}.
    POST stores it (and subscribes the account to web push for the given region/program), DELETE removes."""
    try:
        payload = json.loads(request.body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"code": "notices.bad_json", "message": "invalid JSON"}, status=400)
    try:
        if request.method == "DELETE":
            removed = services.push_subscription_delete(
                user=request.user, endpoint=str(payload.get("endpoint", ""))
            )
            return JsonResponse({"removed": removed})
        keys = payload.get("keys") or {}
        device = services.push_subscription_save(
            user=request.user,
            endpoint=str(payload.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")) if isinstance(keys, dict) else "",
            auth=str(keys.get("auth", "")) if isinstance(keys, dict) else "",
        )
        program = Program.objects.filter(code=str(payload.get("program", ""))[:16]).first()
        services.subscription_create_for_user(
            user=request.user,
            channel=Channel.PUSH,
            region_code=str(payload.get("region", ""))[:10],
            program=program,
        )
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)
    return JsonResponse({"id": device.pk}, status=201)


def help_page(request: HttpRequest) -> HttpResponse:
    return render(
        request, "notices/help.html", {"hotline": settings.HELP_HOTLINE, "help_email": settings.HELP_EMAIL}
    )
