"""Signing in by phone or e-mail, signing out, the lock-out after failed attempts, and LOGIN_URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bansos.accounts.lockout import cool_off
from bansos.accounts.models import User
from bansos.cases.tests.factories import officer

from .factories import PASSWORD, verified_citizen

pytestmark = pytest.mark.django_db


def _login(client: Client, identifier: str, password: str = PASSWORD, **extra: Any) -> Any:
    headers = {k: extra.pop(k) for k in list(extra) if k.startswith("HTTP_")}
    return client.post("/akun/masuk/", {"username": identifier, "password": password, **extra}, **headers)


@pytest.mark.parametrize("identifier", ["0812 3456 7890", "+6281234567890", "BUDI@example.id"])
def test_sign_in_with_phone_or_email(client: Client, identifier: str) -> None:
    user, _household = verified_citizen()
    response = _login(client, identifier)
    assert response.status_code == 302 and response["Location"] == "/akun/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_officers_sign_in_with_their_username(client: Client) -> None:
    operator = officer("village_operator", "3171011001")
    operator.set_password(PASSWORD)
    operator.save()
    response = _login(client, operator.username, next="/petugas/")
    assert response.status_code == 302 and response["Location"] == "/petugas/"


def test_wrong_password_is_a_clear_message(client: Client) -> None:
    verified_citizen()
    response = _login(client, "081234567890", "salah-sandi")
    assert response.status_code == 200
    assert "Nomor HP/e-mail atau kata sandi salah." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_that_need_an_account_send_to_the_sign_in_page(client: Client) -> None:
    for url in ("/kasus/", "/akun/rumah-tangga/", "/akun/notifikasi/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/akun/masuk/?next={url}"


def test_sign_out(client: Client) -> None:
    user, _household = verified_citizen()
    client.force_login(user)
    page = client.get("/akun/").content.decode()
    assert 'action="/akun/keluar/"' in page
    response = client.post("/akun/keluar/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_then_backoff(client: Client) -> None:
    verified_citizen()
    for _ in range(4):
        assert _login(client, "081234567890", "salah").status_code == 200
    locked = _login(client, "081234567890", "salah")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in locked.content.decode()
    # Even the right password is refused during the lock-out.
    assert _login(client, "081234567890").status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account (or the same one from elsewhere) is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other, "081234567890").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client: Client) -> None:
    verified_citizen()
    for n in range(5):
        _login(client, "081234567890", "salah", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert _login(client, "081234567890", HTTP_X_FORWARDED_FOR="10.9.9.99").status_code == 429


def test_cool_off_doubles_while_failures_go_on() -> None:
    class Request:
        axes_failures_since_start = 0

    request = Request()
    minutes = []
    for failures in (1, 5, 6, 7, 30):
        request.axes_failures_since_start = failures
        minutes.append(cool_off(request).total_seconds() / 60)  # type: ignore[arg-type]
    assert minutes == [15, 15, 30, 60, 24 * 60]


def test_closed_accounts_cannot_sign_in(client: Client) -> None:
    user, _household = verified_citizen()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert _login(client, "081234567890").status_code == 200
    assert "_auth_user_id" not in client.session
