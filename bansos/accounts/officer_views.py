"""Officer sign-in pages (/petugas/masuk/...): password, then the authenticator code; enrolment of the
authenticator on the first sign-in; backup codes. The logic lives in bansos.accounts.officer_auth."""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from bansos.accounts.models import User
from bansos.accounts.officer_auth import (
    officer_backup_codes_renew,
    officer_otp_verify,
    officer_password_check,
    officer_totp_confirm,
    officer_totp_device,
    officer_totp_start,
    officer_verified,
)
from bansos.accounts.officer_forms import CodeForm, OfficerLoginForm
from bansos.cases.views.common import officer_required
from bansos.core.errors import DomainError
from bansos.lookup.ratelimit import client_ip

PENDING = "officer_pending"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("cases:console")


def _pending_user(request: HttpRequest) -> User | None:
    note = request.session.get(PENDING)
    if not isinstance(note, dict):
        return None
    if time.time() - float(note.get("at", 0)) > settings.OFFICER_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return User.objects.filter(pk=int(note.get("user") or 0), is_active=True).first()


def _to_login(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("officer:login"))


def _complete(request: HttpRequest, user: User, device: Device) -> str:
    """Log the officer in, verified by ``device``; returns where to go next."""
    note = request.session.pop(PENDING, {})
    auth_login(request, user, backend=BACKEND)
    otp_login(request, device)
    return str(note.get("next") or reverse("cases:console"))


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if officer_verified(request.user):
        return redirect(_next(request))
    form = OfficerLoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = officer_password_check(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    ip=client_ip(request),
                    request=request,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                request.session.cycle_key()
                request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": _next(request)}
                if officer_totp_device(user) is None:
                    return redirect(reverse("officer:enrol"))
                return redirect(reverse("officer:code"))
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "accounts/officer/login.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return _to_login(request)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = officer_otp_verify(user=user, token=form.cleaned_data["code"], ip=client_ip(request))
            except DomainError as exc:
                form.add_error("code", exc.message)
                status = exc.status
            else:
                return redirect(_complete(request, user, device))
    context = {"form": form, "enrolled": officer_totp_device(user) is not None}
    return render(request, "accounts/officer/code.html", context, status=status)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return _to_login(request)
    if officer_totp_device(user) is not None:  # a password alone never adds a second authenticator
        return redirect(reverse("officer:code"))
    device = officer_totp_start(user=user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = officer_totp_confirm(
                    user=user, device=device, token=form.cleaned_data["code"], ip=client_ip(request)
                )
            except DomainError as exc:
                form.add_error("code", exc.message)
                status = exc.status
            else:
                following = _complete(request, user, device)
                return render(
                    request, "accounts/officer/backup_codes.html", {"codes": codes, "next": following}
                )
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR", svgclass="qr")
    context: dict[str, Any] = {
        "form": form,
        "qr": mark_safe(svg),  # noqa: S308 - generated by segno from our own otpauth URL
        "secret": _grouped(b32encode(device.bin_key).decode()),
        "username": user.get_username(),
    }
    return render(request, "accounts/officer/enrol.html", context, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return _to_login(request)


@never_cache
@officer_required
@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    codes: list[str] = []
    if request.method == "POST":
        codes = officer_backup_codes_renew(user=user, actor=user)
    return render(
        request, "accounts/officer/backup_codes.html", {"codes": codes, "next": reverse("cases:console")}
    )
