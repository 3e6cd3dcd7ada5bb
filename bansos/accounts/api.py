"""/api/accounts: the phone app's account API. Sign in with a phone number or e-mail and a password to get
a bearer token (``Authorization: Bearer bsn_…``); the same lock-out applies as on the sign-in page.
Domain errors come back as {"code", "message"} (config/api.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from ninja.security import HttpBearer, django_auth

from bansos.accounts import registration, selectors, tokens
from bansos.accounts.lockout import throttle
from bansos.accounts.models import ApiToken, Registration, User
from bansos.accounts.notifications import notification_mark_read
from bansos.core.errors import PermissionDenied


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bsn_…``: the token's user becomes ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = tokens.user_for_token(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()
AUTH = [token_auth, django_auth]
accounts_router = Router(tags=["accounts"], auth=AUTH)


class LoginIn(Schema):
    identifier: str
    password: str
    name: str = ""


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class IssuedToken(Schema):
    token: str
    id: int
    prefix: str
    expires_at: datetime.datetime | None


class Error(Schema):
    code: str
    message: str


class RegisteredOut(Schema):
    id: int
    status: str
    token: str


class MeOut(Schema):
    id: int
    name: str
    phone: str
    email: str
    verified: bool
    registration_status: str | None
    unread_notifications: int


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class Updated(Schema):
    updated: int


def _token_out(api_token: ApiToken) -> dict[str, Any]:
    return {
        "id": api_token.pk,
        "name": api_token.name,
        "prefix": api_token.prefix,
        "created_at": api_token.created_at,
        "last_used_at": api_token.last_used_at,
        "expires_at": api_token.expires_at,
        "revoked_at": api_token.revoked_at,
    }


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@accounts_router.post("/tokens", auth=None, response={201: IssuedToken, 401: Error})
def token_create(request: HttpRequest, payload: LoginIn) -> Status:
    """Sign in; returns a new token (shown once)."""
    user = authenticate(request, username=payload.identifier, password=payload.password)
    if not isinstance(user, User):
        message = str(_("Wrong mobile number/e-mail or password."))
        return Status(401, {"code": "account.invalid_login", "message": message})
    api_token, token = tokens.token_issue(user=user, name=payload.name or "app")
    return Status(
        201,
        {"token": token, "id": api_token.pk, "prefix": api_token.prefix, "expires_at": api_token.expires_at},
    )


@accounts_router.get("/tokens", response=list[TokenOut])
def token_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_token_out(t) for t in ApiToken.objects.filter(user=_user(request))]


@accounts_router.delete("/tokens/{token_id}", response=TokenOut)
def token_delete(request: HttpRequest, token_id: int) -> dict[str, Any]:
    return _token_out(tokens.token_revoke(user=_user(request), token_id=token_id))


@accounts_router.post("/register", auth=None, response={201: RegisteredOut})
def register(
    request: HttpRequest,
    nik: Form[str],
    kk: Form[str],
    full_name: Form[str],
    birth_date: Form[datetime.date],
    password: Form[str],
    ktp_photo: File[UploadedFile],
    selfie: File[UploadedFile],
    phone: Form[str] = "",
    email: Form[str] = "",
) -> Status:
    """Register (multipart form); verified at once when the data matches the registry, else pending."""
    throttle(request, "register")
    submitted = registration.registration_submit(
        nik=nik,
        kk=kk,
        full_name=full_name,
        birth_date=birth_date,
        password=password,
        ktp_photo=ktp_photo,
        selfie=selfie,
        phone=phone,
        email=email,
    )
    _api_token, token = tokens.token_issue(user=submitted.user, name="app")
    return Status(201, {"id": submitted.pk, "status": submitted.status, "token": token})


@accounts_router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    reg = Registration.objects.filter(user=user).first()
    return {
        "id": user.pk,
        "name": user.first_name or user.get_username(),
        "phone": user.phone,
        "email": user.email,
        "verified": user.person_id is not None,
        "registration_status": reg.status if reg else None,
        "unread_notifications": selectors.unread_count(user),
    }


@accounts_router.get("/household")
def household(request: HttpRequest) -> dict[str, Any]:
    """The citizen's own household: members (NIK partly masked), programs, history per period, and who
    viewed or changed the record (by officer role)."""
    view = selectors.my_household(_user(request))
    if view is None:
        raise PermissionDenied(
            _("Your account is not linked to a household in the registry yet."), code="account.not_verified"
        )
    return {
        "id": view.household.pk,
        "region": view.region,
        "address": view.household.address,
        "decile": view.household.decile,
        "members": [vars(m) for m in view.members],
        "programs": [
            {
                "code": p.code,
                "name": p.name,
                "receiving": p.receiving,
                "answer": p.answer,
                "period": p.period,
                "payment_status": p.payment_status,
                "paid_on": p.paid_on,
                "reason": p.reason,
            }
            for p in view.programs
        ],
        "history": [vars(h) for h in view.history],
        "flags": view.flags,
        "accesses": [vars(a) for a in view.accesses],
    }


@accounts_router.get("/notifications", response=list[NotificationOut])
def notifications(request: HttpRequest, unread: bool = False) -> Any:
    items = selectors.notifications_of(_user(request))
    if unread:
        items = items.filter(read_at__isnull=True)
    return items[:100]


@accounts_router.post("/notifications/read", response=Updated)
def notifications_read(request: HttpRequest) -> dict[str, int]:
    return {"updated": notification_mark_read(user=_user(request))}


@accounts_router.post("/notifications/{notification_id}/read", response=Updated)
def notification_read(request: HttpRequest, notification_id: int) -> dict[str, int]:
    return {"updated": notification_mark_read(user=_user(request), notification_id=notification_id)}


__all__ = ["accounts_router", "token_auth"]
