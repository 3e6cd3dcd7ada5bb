"""Officer sign-in with a second factor: password, then enrolment of the authenticator on the first
sign-in (QR code, secret, one code, backup codes), then the code on later sign-ins; the console and the
officer API refuse sessions without it."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bansos.accounts.models import User
from bansos.accounts.officer_views import PENDING
from bansos.accounts.services import officer_role_grant
from bansos.accounts.testing import officer_client, otp_device, totp_code
from bansos.core.audit import SystemActor
from bansos.core.models import AuditEvent
from bansos.registry.tests.factories import GAMBIR

pytestmark = pytest.mark.django_db
PASSWORD = "kata-sandi-petugas-7"


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def officer(username: str = "op-gambir", role: str = "village_operator", region: str = GAMBIR) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    officer_role_grant(user=user, role=role, region_code=region, actor=SystemActor("test"))
    return user


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("pk"))


def unthrottle(device: Any) -> None:
    """Move the last wrong code back in time past django-otp's wait (1 s after the first failure)."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=60)
    )


def password_step(client: Client, username: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post("/petugas/masuk/", {"username": username, "password": password, **extra})


def test_console_sends_strangers_and_unverified_officers_to_the_officer_sign_in() -> None:
    response = Client().get("/petugas/usulan/?waiting=1")
    assert response.status_code == 302
    assert response["Location"] == "/petugas/masuk/?next=/petugas/usulan/%3Fwaiting%3D1"
    client = Client()
    client.force_login(officer())  # a session without the second factor (e.g. from another login page)
    response = client.get("/petugas/")
    assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/")


def test_wrong_password_unknown_name_and_citizens_get_the_same_refusal() -> None:
    officer()
    User.objects.create_user(username="warga", password=PASSWORD)
    client = Client()
    answers = [
        password_step(client, "op-gambir", "salah"),
        password_step(client, "tidak-ada"),
        password_step(client, "warga"),
    ]
    assert [a.status_code for a in answers] == [400, 400, 400]
    for answer in answers:
        assert "Nama pengguna atau kata sandi salah, atau ini bukan akun petugas." in answer.content.decode()
    assert PENDING not in client.session and "_auth_user_id" not in client.session
    failed = events("officer.login_failed")
    assert [e.details["step"] for e in failed] == ["password"] * 3
    assert [e.details["known_user"] for e in failed] == [True, False, True]
    assert "salah" not in str([e.details for e in failed])  # no password in the log


def test_empty_form_says_what_is_missing() -> None:
    response = Client().post("/petugas/masuk/", {"username": "", "password": ""})
    assert response.status_code == 400
    assert "Bidang ini tidak boleh kosong." in response.content.decode()


def test_first_sign_in_enrols_the_authenticator_then_shows_backup_codes() -> None:
    user = officer()
    client = Client()
    response = password_step(client, "op-gambir", next="/petugas/sanggahan/")
    assert response.status_code == 302 and response["Location"] == "/petugas/masuk/perangkat/"
    assert "_auth_user_id" not in client.session  # a password alone logs no one in
    assert client.get("/petugas/").status_code == 302

    page = client.get("/petugas/masuk/perangkat/")
    body = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "<svg" in body and 'class="qr"' in body
    secret = re.search(r'id="secret">([A-Z2-7 ]+)<', body)
    assert secret is not None
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert client.get("/petugas/masuk/perangkat/").content.decode().count(secret.group(1)) == 1  # same key

    wrong = client.post(
        "/petugas/masuk/perangkat/", {"code": "000000" if totp_code(device) != "000000" else "1"}
    )
    assert wrong.status_code == 400 and "Kode salah atau sudah kedaluwarsa" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and "_auth_user_id" not in client.session

    too_soon = client.post("/petugas/masuk/perangkat/", {"code": totp_code(device)})
    assert too_soon.status_code == 400 and "Terlalu banyak kode salah" in too_soon.content.decode()
    unthrottle(device)
    done = client.post("/petugas/masuk/perangkat/", {"code": totp_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and 'href="/petugas/sanggahan/"' in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/petugas/").status_code == 200
    assert [e.subject_id for e in events("officer.totp_enrolled")] == [str(device.pk)]
    assert [e.details["method"] for e in events("officer.login")] == ["totp"]
    assert [e.details["step"] for e in events("officer.login_failed")] == ["enrolment"]


def test_later_sign_in_asks_the_code_and_never_offers_enrolment_again() -> None:
    user = officer()
    device = otp_device(user)
    client = Client()
    response = password_step(client, "op-gambir")
    assert response["Location"] == "/petugas/masuk/kode/"
    # The password alone cannot add an authenticator for an officer who has one.
    assert client.get("/petugas/masuk/perangkat/")["Location"] == "/petugas/masuk/kode/"
    assert TOTPDevice.objects.filter(user=user).count() == 1

    bad = client.post("/petugas/masuk/kode/", {"code": "123456" if totp_code(device) != "123456" else "1"})
    assert bad.status_code == 400 and client.get("/petugas/").status_code == 302
    unthrottle(device)
    good = client.post("/petugas/masuk/kode/", {"code": totp_code(device, at=time.time() + 30)})
    assert good.status_code == 302 and good["Location"] == "/petugas/"
    assert client.get("/petugas/").status_code == 200
    assert client.get("/petugas/masuk/")["Location"] == "/petugas/"  # already signed in
    assert [e.details["step"] for e in events("officer.login_failed")] == ["otp"]


def test_backup_code_works_once_and_is_audited() -> None:
    user = officer()
    device = otp_device(user)
    client = Client()
    password_step(client, "op-gambir")
    enrolled = client.post("/petugas/masuk/kode/", {"code": totp_code(device)})
    assert enrolled.status_code == 302
    renewed = client.post("/petugas/akun/kode-cadangan/")
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", renewed.content.decode())
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=user).count() == 10
    client.post("/petugas/keluar/")
    assert client.get("/petugas/").status_code == 302

    password_step(client, "op-gambir")
    used = client.post("/petugas/masuk/kode/", {"code": codes[0].upper()})
    assert used.status_code == 302 and client.get("/petugas/").status_code == 200
    assert [e.details["left"] for e in events("officer.backup_code_used")] == [9]
    client.post("/petugas/keluar/")
    cache.clear()
    password_step(client, "op-gambir")
    again = client.post("/petugas/masuk/kode/", {"code": codes[0]})
    assert again.status_code == 400
    assert [e.details["method"] for e in events("officer.login")] == ["totp", "backup_code"]


def test_the_code_step_needs_a_recent_password_step(settings: Any) -> None:
    officer()
    client = Client()
    assert client.get("/petugas/masuk/kode/")["Location"] == "/petugas/masuk/"
    password_step(client, "op-gambir")
    session = client.session
    session[PENDING] = {**session[PENDING], "at": time.time() - settings.OFFICER_PENDING_SECONDS - 1}
    session.save()
    assert client.get("/petugas/masuk/kode/")["Location"] == "/petugas/masuk/"


def test_next_must_stay_on_this_site() -> None:
    user = officer()
    device = otp_device(user)
    client = Client()
    password_step(client, "op-gambir", next="https://contoh.invalid/curi")
    response = client.post("/petugas/masuk/kode/", {"code": totp_code(device)})
    assert response["Location"] == "/petugas/"


def test_password_attempts_are_rate_limited_per_name(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 100  # the per-name rate limit alone
    officer()
    client = Client()
    codes = [password_step(client, "op-gambir", "salah").status_code for _ in range(11)]
    assert codes == [400] * 10 + [429]
    assert password_step(client, "op-gambir").status_code == 429  # even the right password, for a while


def test_officer_api_needs_the_second_factor() -> None:
    user = officer()
    assert Client().get("/api/cases/queue/usulan").status_code == 401
    citizen = Client()
    citizen.force_login(User.objects.create_user(username="warga", password="x"))
    refused = citizen.get("/api/cases/queue/usulan")
    assert refused.status_code == 403 and refused.json()["code"] == "auth.officer_required"
    half = Client()
    half.force_login(user)
    refused = half.get("/api/cases/queue/usulan")
    assert refused.status_code == 403 and refused.json()["code"] == "auth.otp_required"
    assert half.get("/api/cases/mine").status_code == 200  # citizen operations need no second factor
    full = Client()
    password_step(full, "op-gambir")
    full.post("/petugas/masuk/kode/", {"code": totp_code(otp_device(user))})
    assert full.get("/api/cases/queue/usulan").status_code == 200


def test_sign_in_page_in_english() -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/petugas/masuk/").content.decode()
    assert "Officer sign-in" in page
    assert "Wrong username or password" in password_step(client, "x", "y").content.decode()


def test_sign_out_is_a_post_and_backup_codes_need_the_second_factor() -> None:
    user = officer()
    client = officer_client(user)
    assert client.get("/petugas/keluar/").status_code == 405
    assert client.get("/petugas/").status_code == 200
    half = Client()
    half.force_login(user)
    assert half.post("/petugas/akun/kode-cadangan/")["Location"].startswith("/petugas/masuk/")
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert [e.event_type for e in AuditEvent.objects.filter(event_type__startswith="officer.backup")] == []


def test_failed_password_steps_lock_the_officer_out_like_citizens() -> None:
    officer()
    client = Client(REMOTE_ADDR="10.1.2.3")
    codes = [password_step(client, "op-gambir", "salah").status_code for _ in range(5)]
    assert codes == [400] * 4 + [429]
    locked = password_step(client, "op-gambir")  # even the right password, during the lock-out
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in locked.content.decode()
    assert PENDING not in client.session
    # The same officer from another address is not locked out.
    assert password_step(Client(REMOTE_ADDR="10.1.2.4"), "op-gambir").status_code == 302
