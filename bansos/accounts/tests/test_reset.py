"""Password reset by e-mail link (Django's token generator) and by a one-time SMS code."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from bansos.accounts import passwords
from bansos.accounts.models import ResetCode, User
from bansos.core import sms

from .factories import PASSWORD, verified_citizen

pytestmark = pytest.mark.django_db
NEW = "Sandi-Baru-Sekali-99"


def test_reset_by_email_link(client: Client) -> None:
    user, _household = verified_citizen()
    response = client.post("/akun/sandi/lupa/", {"email": "budi@example.id"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/akun/sandi/atur/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == "/akun/sandi/selesai/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    # The link works once.
    assert "tidak berlaku lagi" in client.get(link.group(1), follow=True).content.decode()


def test_reset_by_email_tells_nothing_about_unknown_addresses(client: Client) -> None:
    response = client.post("/akun/sandi/lupa/", {"email": "siapa@example.id"})
    assert response.status_code == 302 and mail.outbox == []


def _code() -> str:
    found = re.search(r"\b(\d{6})\b", sms.outbox[-1].body)
    assert found is not None
    return found.group(1)


def test_reset_by_sms_code(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    user, _household = verified_citizen()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/akun/sandi/sms/", {"phone": "0812 3456 7890"})
    assert response.status_code == 302 and response["Location"] == "/akun/sandi/sms/kode/?terkirim=1"
    assert sms.outbox[-1].to == "6281234567890"
    code = _code()
    stored = ResetCode.objects.get(user=user)
    assert code not in stored.code_hash
    data = {"phone": "081234567890", "code": code, "password": NEW, "password2": NEW}
    response = client.post("/akun/sandi/sms/kode/", data)
    assert response.status_code == 302 and response["Location"] == "/akun/sandi/selesai/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    # Used up: the same code does not work again.
    assert client.post("/akun/sandi/sms/kode/", data).status_code == 400


def test_unknown_number_gets_the_same_answer_and_no_sms(client: Client) -> None:
    response = client.post("/akun/sandi/sms/", {"phone": "081299998888"})
    assert response.status_code == 302 and response["Location"] == "/akun/sandi/sms/kode/?terkirim=1"
    assert sms.outbox == []


def test_wrong_codes_use_up_the_attempts(django_capture_on_commit_callbacks: Any) -> None:
    user, _household = verified_citizen()
    with django_capture_on_commit_callbacks(execute=True):
        assert passwords.reset_code_send(phone="081234567890")
    code = _code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(passwords.ResetError):
            passwords.reset_code_redeem(phone="081234567890", code=wrong, password=NEW)
    with pytest.raises(passwords.ResetError) as exhausted:
        passwords.reset_code_redeem(phone="081234567890", code=code, password=NEW)
    assert exhausted.value.code == "reset.code_invalid"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_expired_code_is_refused(django_capture_on_commit_callbacks: Any) -> None:
    user, _household = verified_citizen()
    with django_capture_on_commit_callbacks(execute=True):
        passwords.reset_code_send(phone="081234567890")
    ResetCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(passwords.ResetError):
        passwords.reset_code_redeem(phone="081234567890", code=_code(), password=NEW)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_codes_are_limited_per_hour(django_capture_on_commit_callbacks: Any) -> None:
    verified_citizen()
    with django_capture_on_commit_callbacks(execute=True):
        sent = [passwords.reset_code_send(phone="081234567890") for _ in range(4)]
    assert sent == [True, True, True, False]
    assert len(sms.outbox) == 3
    assert ResetCode.objects.filter(used_at__isnull=True).count() == 1  # only the newest is live


def test_weak_new_password_keeps_the_code(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    user, _household = verified_citizen()
    with django_capture_on_commit_callbacks(execute=True):
        passwords.reset_code_send(phone="081234567890")
    data = {"phone": "081234567890", "code": _code(), "password": "123", "password2": "123"}
    response = client.post("/akun/sandi/sms/kode/", data)
    assert response.status_code == 400
    assert ResetCode.objects.get().attempts == 0
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_sms_code_requests_are_rate_limited_per_client_address(client: Client, settings: Any) -> None:
    settings.ACCOUNTS_RATE_PER_IP = (2, 3600)
    verified_citizen()
    for number in ("081200000001", "081200000002"):
        assert client.post("/akun/sandi/sms/", {"phone": number}).status_code == 302
    limited = client.post("/akun/sandi/sms/", {"phone": "081234567890"})
    assert limited.status_code == 429
    assert ResetCode.objects.count() == 0 and sms.outbox == []
