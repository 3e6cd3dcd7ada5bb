"""Citizen account pages (/akun/) and the officer pages of this app (/petugas/verifikasi/,
/petugas/rumah-tangga/<id>/). Views parse, call a service or selector, and render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bansos.accounts import passwords, registration, selectors
from bansos.accounts.forms import RefuseForm, RegistrationForm, ResetCodeForm, ResetSmsForm, VerifyForm
from bansos.accounts.lockout import throttle
from bansos.accounts.models import Registration
from bansos.accounts.notifications import notification_mark_read
from bansos.accounts.services import household_view_record
from bansos.cases.uploads import open_stored
from bansos.cases.views.common import officer_required
from bansos.core.errors import DomainError, NotFound
from bansos.lookup.ratelimit import RateLimited

PAGE_SIZE = 50


# --- citizen ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    template = "accounts/register.html"
    if request.user.is_authenticated:
        return redirect("accounts:home")
    if request.method == "GET":
        return render(request, template, {"form": RegistrationForm()})
    form = RegistrationForm(request.POST, request.FILES)
    try:
        throttle(request, "register")
    except RateLimited as exc:
        response = render(request, template, {"form": form, "error": exc.message}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    data = form.cleaned_data
    try:
        submitted = registration.registration_submit(
            nik=data["nik"],
            kk=data["kk"],
            full_name=data["full_name"],
            birth_date=data["birth_date"],
            phone=data["phone"],
            email=data["email"],
            password=data["password"],
            ktp_photo=data["ktp_photo"],
            selfie=data["selfie"],
        )
    except DomainError as exc:
        return render(request, template, {"form": form, "error": exc.message}, status=400)
    login(request, submitted.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("accounts:home")


def _registration_of(request: HttpRequest) -> Registration | None:
    return Registration.objects.filter(user_id=request.user.pk or 0).first()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    reg = _registration_of(request)
    return render(request, "accounts/home.html", {"registration": reg})


@login_required
def household(request: HttpRequest) -> HttpResponse:
    view = selectors.my_household(request.user)  # type: ignore[arg-type]
    if view is None:
        reg = _registration_of(request)
        return render(request, "accounts/household_none.html", {"registration": reg}, status=403)
    return render(request, "accounts/household.html", {"view": view})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(selectors.notifications_of(request.user)[:PAGE_SIZE])
    return render(request, "accounts/notifications.html", {"items": items})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    notification_mark_read(user=request.user, notification_id=pk)  # type: ignore[arg-type]
    if pk is not None:
        item = selectors.notifications_of(request.user).filter(pk=pk).first()
        if item is not None and item.link.startswith("/"):
            return redirect(item.link)
    return redirect("accounts:notifications")


@require_http_methods(["GET", "POST"])
def reset_sms(request: HttpRequest) -> HttpResponse:
    form = ResetSmsForm(request.POST or None)
    template = "accounts/reset_sms.html"
    if request.method == "POST":
        try:
            throttle(request, "reset_sms")
        except RateLimited as exc:
            response = render(request, template, {"form": form, "error": exc.message}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        if form.is_valid():
            passwords.reset_code_send(phone=form.cleaned_data["phone"])
            return redirect(f"{_reset_code_url()}?terkirim=1")
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


def _reset_code_url() -> str:
    return reverse("accounts:reset_sms_code")


@require_http_methods(["GET", "POST"])
def reset_sms_code(request: HttpRequest) -> HttpResponse:
    template = "accounts/reset_sms_code.html"
    context: dict[str, Any] = {"sent": request.GET.get("terkirim") == "1"}
    form = ResetCodeForm(request.POST or None)
    context["form"] = form
    if request.method == "GET":
        return render(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=400)
    data = form.cleaned_data
    try:
        passwords.reset_code_redeem(phone=data["phone"], code=data["code"], password=data["password"])
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, template, context, status=400)
    return redirect("accounts:password_reset_complete")


# --- officers ---------------------------------------------------------------------------------------------


@officer_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.registration_queue(request.user)[:PAGE_SIZE])
    return render(request, "accounts/console/queue.html", {"rows": rows})


def _registration(request: HttpRequest, pk: int) -> Registration:
    try:
        return selectors.registration_get(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


@officer_required
@require_http_methods(["GET", "POST"])
def verification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reg = _registration(request, pk)
    verify_form, refuse_form = VerifyForm(), RefuseForm()
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                verify_form = VerifyForm(request.POST)
                if verify_form.is_valid():
                    registration.registration_verify(registration=reg, actor=request.user)  # type: ignore[arg-type]
                    return redirect("accounts:verification_detail", pk=reg.pk)
            elif action == "refuse":
                refuse_form = RefuseForm(request.POST)
                if refuse_form.is_valid():
                    registration.registration_refuse(
                        registration=reg,
                        actor=request.user,  # type: ignore[arg-type]
                        reason=refuse_form.cleaned_data["reason"],
                    )
                    return redirect("accounts:verification_detail", pk=reg.pk)
        except DomainError as exc:
            error = exc.message
    context = {
        "reg": reg,
        "nik": reg.nik,
        "kk": reg.kk,
        "verify_form": verify_form,
        "refuse_form": refuse_form,
        "error": error,
        "mismatches": reg.mismatches,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/console/detail.html", context, status=status)


@officer_required
def verification_photo(request: HttpRequest, pk: int, which: str) -> FileResponse:
    reg = _registration(request, pk)
    path = {"ktp": reg.ktp_photo, "swafoto": reg.selfie_photo}.get(which)
    if not path:
        raise Http404
    response = FileResponse(open_stored(path), content_type=_content_type(path))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(path: str) -> str:
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(path.rsplit(".", 1)[-1], "")


@officer_required
def officer_household(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = selectors.household_for_officer(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    household_view_record(household=found, actor=request.user)  # type: ignore[arg-type]
    view = selectors.household_view(found)
    return render(request, "accounts/console/household.html", {"view": view})
