"""Registration: verified at once against the registry, pending for an operator, refused with a reason;
one account per NIK; photos checked by content, re-encoded without EXIF, nothing kept when refused."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from PIL import Image

from bansos.accounts import registration
from bansos.accounts.models import Registration, User
from bansos.cases.tests.factories import CIDENG, officer
from bansos.cases.uploads import UploadError
from bansos.core import sms
from bansos.core.errors import DomainError
from bansos.core.models import AuditEvent
from bansos.registry.identifiers import IdentifierError

from .conftest import stored_files
from .factories import (
    BIRTH,
    GAMBIR,
    PASSWORD,
    family,
    form_data,
    new_kk,
    new_nik,
    officer_login,
    photo,
    submit,
)

pytestmark = pytest.mark.django_db


def test_matching_registration_is_verified_and_linked(private_media: Path) -> None:
    _household, head, nik, kk = family()
    reg = submit(nik, kk, full_name="budi  santosso")  # spelling variant: still the same person
    assert reg.status == Registration.Status.VERIFIED
    assert reg.mismatches == []
    user = User.objects.get(pk=reg.user_id)
    assert user.person == head
    assert user.phone == "6281234567890"
    assert user.email == "budi@example.id"
    assert user.check_password(PASSWORD)
    assert reg.nik == nik and reg.kk == kk
    assert nik.encode() not in bytes(reg.nik_encrypted)
    assert len(stored_files(private_media)) == 2
    events = list(
        AuditEvent.objects.filter(subject_type="accounts.registration").values_list("event_type", flat=True)
    )
    assert sorted(events) == ["registration.submitted", "registration.verified"]
    assert user.notifications.get().title == "Akun Anda terverifikasi"


@pytest.mark.parametrize(
    ("overrides", "mismatch"),
    [
        ({"full_name": "Joko Widodo"}, "name"),
        ({"kk": "other"}, "kk"),
    ],
)
def test_registration_that_differs_waits_for_the_village(overrides: dict[str, Any], mismatch: str) -> None:
    _household, head, nik, kk = family()
    if overrides.get("kk") == "other":
        kk = new_kk(GAMBIR)
        overrides = {}
    reg = submit(nik, kk, **overrides)
    assert reg.status == Registration.Status.PENDING
    assert reg.mismatches == [mismatch]
    assert reg.region_code == GAMBIR
    assert reg.person == head  # found by NIK, linked only once verified
    assert User.objects.get(pk=reg.user_id).person is None


def test_unknown_nik_goes_to_the_district_queue() -> None:
    nik = new_nik(GAMBIR, birth_date=BIRTH)
    reg = submit(nik, new_kk(GAMBIR))
    assert reg.status == Registration.Status.PENDING
    assert reg.mismatches == ["nik_not_found"]
    assert reg.region_code == GAMBIR[:6]
    operator = officer("village_operator", GAMBIR)
    district = officer("district", GAMBIR[:6])
    from bansos.accounts.selectors import registration_queue

    assert list(registration_queue(operator)) == []
    assert list(registration_queue(district)) == [reg]


def test_operator_verifies_a_pending_registration() -> None:
    _household, head, nik, kk = family()
    reg = submit(nik, kk, full_name="Budi S")
    operator = officer("village_operator", GAMBIR)
    reg = registration.registration_verify(registration=reg, actor=operator)
    assert reg.status == Registration.Status.VERIFIED
    assert reg.decided_by == operator
    assert User.objects.get(pk=reg.user_id).person == head
    event = AuditEvent.objects.get(event_type="registration.verified")
    assert event.actor == operator and event.details == {"auto": False, "linked": True}


def test_operator_refuses_with_a_reason_and_the_citizen_is_told(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _household, _head, nik, kk = family()
    reg = submit(nik, kk, full_name="Budi S")
    operator = officer("village_operator", GAMBIR)
    with pytest.raises(registration.RegistrationError) as missing:
        registration.registration_refuse(registration=reg, actor=operator, reason="  ")
    assert missing.value.code == "registration.reason_missing"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reg = registration.registration_refuse(
            registration=reg, actor=operator, reason="Foto KTP tidak terbaca"
        )
    assert reg.status == Registration.Status.REFUSED
    user = User.objects.get(pk=reg.user_id)
    assert not user.is_active and user.person is None
    assert "Foto KTP tidak terbaca" in mail.outbox[0].body
    assert "Foto KTP tidak terbaca" in sms.outbox[0].body
    assert AuditEvent.objects.filter(event_type="registration.refused", actor=operator).count() == 1
    # Decided: a second decision is refused; the NIK is free for a corrected registration.
    with pytest.raises(registration.RegistrationError):
        registration.registration_verify(registration=reg, actor=operator)
    again = submit(nik, kk)
    assert again.status == Registration.Status.VERIFIED


def test_operator_of_another_village_cannot_decide() -> None:
    _household, _head, nik, kk = family()
    reg = submit(nik, kk, full_name="Budi S")
    other = officer("village_operator", CIDENG)
    from bansos.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        registration.registration_verify(registration=reg, actor=other)
    reg.refresh_from_db()
    assert reg.status == Registration.Status.PENDING


def test_one_account_per_nik(private_media: Path) -> None:
    _household, _head, nik, kk = family()
    submit(nik, kk)
    with pytest.raises(registration.RegistrationError) as taken:
        submit(nik, kk, phone="081299990000", email="lain@example.id")
    assert taken.value.code == "registration.nik_taken"
    assert User.objects.count() == 1
    assert len(stored_files(private_media)) == 2  # the second attempt's photos were not kept


def test_phone_and_email_are_one_account_each() -> None:
    _h, _p, nik, kk = family()
    submit(nik, kk)
    _h2, _p2, nik2, kk2 = family(name="ANI SUSANTI")
    with pytest.raises(registration.RegistrationError) as taken:
        submit(nik2, kk2, full_name="Ani Susanti", email="")
    assert taken.value.code == "registration.phone_taken"
    with pytest.raises(registration.RegistrationError) as taken:
        submit(nik2, kk2, full_name="Ani Susanti", phone="", email="BUDI@example.ID")
    assert taken.value.code == "registration.email_taken"


def test_identifiers_and_contact_are_checked_before_anything_is_stored(private_media: Path) -> None:
    _h, _p, nik, kk = family()
    with pytest.raises(IdentifierError):
        submit("1234", kk)
    with pytest.raises(IdentifierError) as wrong_birth:
        submit(nik, kk, birth_date=datetime.date(1990, 1, 1))
    assert wrong_birth.value.code == "nik.birth_date_mismatch"
    with pytest.raises(registration.RegistrationError) as weak:
        submit(nik, kk, password="123")
    assert weak.value.code == "registration.password_weak"
    with pytest.raises(DomainError) as phone:
        submit(nik, kk, phone="12345")
    assert phone.value.code == "account.phone_invalid"
    with pytest.raises(DomainError) as email:
        submit(nik, kk, email="bukan-email")
    assert email.value.code == "account.email_invalid"
    with pytest.raises(registration.RegistrationError) as none:
        submit(nik, kk, phone="", email="")
    assert none.value.code == "registration.no_contact"
    assert User.objects.count() == 0 and Registration.objects.count() == 0
    assert stored_files(private_media) == []


def _gif() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (320, 240)).save(out, format="GIF")
    out.seek(0)
    return out


@pytest.mark.parametrize(
    ("which", "bad", "code"),
    [
        ("selfie", _gif, "case.upload_invalid"),
        ("selfie", lambda: io.BytesIO(b"this is not an image at all"), "case.upload_invalid"),
        ("ktp_photo", lambda: io.BytesIO(b"%PDF-1.4 a pdf"), "case.upload_invalid"),
        ("selfie", lambda: photo(size=(120, 90)), "upload.too_small"),
        ("selfie", lambda: io.BytesIO(b"\xff\xd8\xff" + b"0" * 3000), "case.upload_invalid"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_stored(
    private_media: Path, which: str, bad: Any, code: str
) -> None:
    _h, _p, nik, kk = family()
    with pytest.raises(UploadError) as refused:
        submit(nik, kk, **{which: bad()})
    assert refused.value.code == code
    assert User.objects.count() == 0 and Registration.objects.count() == 0
    assert stored_files(private_media) == []


def test_too_large_photo_is_refused(private_media: Path, settings: Any) -> None:
    settings.ACCOUNTS_PHOTO_MAX_BYTES = 2_000
    _h, _p, nik, kk = family()
    with pytest.raises(UploadError) as refused:
        submit(nik, kk, ktp_photo=photo(size=(800, 600)))
    assert refused.value.code == "case.upload_too_large"
    assert User.objects.count() == 0 and stored_files(private_media) == []


def test_photos_are_reencoded_without_exif(private_media: Path) -> None:
    _h, _p, nik, kk = family()
    reg = submit(nik, kk, ktp_photo=photo(exif=True))
    stored = private_media / reg.ktp_photo
    assert reg.ktp_photo.startswith("accounts/")
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
    assert b"CameraMaker" not in stored.read_bytes()


# --- pages ------------------------------------------------------------------------------------------------


def _post(client: Client, nik: str, kk: str, **overrides: Any) -> Any:
    overrides.setdefault("password2", overrides.get("password", PASSWORD))
    data = form_data(nik, kk, **overrides)
    data["birth_date"] = data["birth_date"].isoformat()
    data.setdefault("ktp_photo", photo())
    data.setdefault("selfie", photo(name="selfie.jpg"))
    return client.post("/akun/daftar/", data)


def test_register_page_verifies_and_signs_in(client: Client) -> None:
    assert client.get("/akun/daftar/").status_code == 200
    _h, _p, nik, kk = family()
    response = _post(client, nik, kk)
    assert response.status_code == 302 and response["Location"] == "/akun/"
    page = client.get("/akun/")
    assert "diverifikasi" in page.content.decode()
    assert nik not in page.content.decode()


def test_register_page_shows_a_clear_error_and_creates_nothing(client: Client, private_media: Path) -> None:
    _h, _p, nik, kk = family()
    response = _post(client, nik, kk, selfie=io.BytesIO(b"not an image"))
    assert response.status_code == 400
    assert "Berkas ini bukan foto yang dapat dibaca." in response.content.decode()
    assert User.objects.count() == 0 and stored_files(private_media) == []
    response = _post(client, nik, kk, password2="lain")
    assert response.status_code == 400
    assert "Kedua kata sandi berbeda" in response.content.decode()
    assert User.objects.count() == 0


# --- the operator's queue ---------------------------------------------------------------------------------


def test_queue_detail_photos_and_decision_through_pages(client: Client) -> None:
    _h, _p, nik, kk = family()
    reg = submit(nik, kk, full_name="Budi S")
    operator = officer("village_operator", GAMBIR)
    officer_login(client, operator)
    queue = client.get("/petugas/verifikasi/")
    assert f"/petugas/verifikasi/{reg.pk}/" in queue.content.decode()
    detail = client.get(f"/petugas/verifikasi/{reg.pk}/")
    assert detail.status_code == 200 and nik in detail.content.decode()
    ktp = client.get(f"/petugas/verifikasi/{reg.pk}/foto/ktp/")
    assert ktp.status_code == 200 and ktp["Content-Type"] == "image/jpeg"
    assert ktp["Cache-Control"] == "private, no-store"
    # Without the confirmation nothing happens.
    response = client.post(f"/petugas/verifikasi/{reg.pk}/", {"action": "verify"})
    assert response.status_code == 400
    reg.refresh_from_db()
    assert reg.status == Registration.Status.PENDING
    response = client.post(f"/petugas/verifikasi/{reg.pk}/", {"action": "verify", "confirm": "on"})
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.status == Registration.Status.VERIFIED


def test_refusal_through_the_page_needs_a_reason(client: Client) -> None:
    _h, _p, nik, kk = family()
    reg = submit(nik, kk, full_name="Budi S")
    officer_login(client, officer("village_operator", GAMBIR))
    response = client.post(f"/petugas/verifikasi/{reg.pk}/", {"action": "refuse", "confirm": "on"})
    assert response.status_code == 400
    reg.refresh_from_db()
    assert reg.status == Registration.Status.PENDING
    client.post(
        f"/petugas/verifikasi/{reg.pk}/", {"action": "refuse", "confirm": "on", "reason": "Bukan orangnya"}
    )
    reg.refresh_from_db()
    assert reg.status == Registration.Status.REFUSED and reg.refusal_reason == "Bukan orangnya"


def test_other_village_citizens_and_anonymous_cannot_see_registrations(client: Client) -> None:
    _h, _p, nik, kk = family()
    reg = submit(nik, kk, full_name="Budi S")
    urls = [f"/petugas/verifikasi/{reg.pk}/", f"/petugas/verifikasi/{reg.pk}/foto/ktp/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "masuk/?next=" in response["Location"]  # to a sign-in page
    client.force_login(reg.user)
    for url in urls:
        assert client.get(url).status_code == 403
    officer_login(client, officer("village_operator", CIDENG))
    assert f"/petugas/verifikasi/{reg.pk}/" not in client.get("/petugas/verifikasi/").content.decode()
    for url in urls:
        assert client.get(url).status_code == 404
    officer_login(client, officer("auditor", ""))
    assert client.get(urls[0]).status_code == 404  # not a verifier role


def test_registrations_are_rate_limited_per_client_address(client: Client, settings: Any) -> None:
    settings.ACCOUNTS_RATE_PER_IP = (2, 3600)
    _h, _p, nik, kk = family()
    assert _post(client, "1", kk).status_code == 400
    assert _post(client, "1", kk).status_code == 400
    limited = _post(client, nik, kk)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "Terlalu banyak permintaan" in limited.content.decode()
    assert User.objects.count() == 0
    assert Client(REMOTE_ADDR="10.1.2.3").get("/akun/daftar/").status_code == 200


def test_a_lost_race_for_the_same_phone_stores_nothing(private_media: Path, monkeypatch: Any) -> None:
    _h, _p, nik, kk = family()
    _h2, _p2, nik2, kk2 = family(name="ANI SUSANTI")
    submit(nik, kk)
    # The other request checked before this one committed: the database constraint decides.
    monkeypatch.setattr(registration, "_contact", lambda phone, email: ("6281234567890", ""))
    with pytest.raises(registration.RegistrationError) as lost:
        submit(nik2, kk2, full_name="Ani Susanti")
    assert lost.value.code == "registration.phone_taken"
    assert User.objects.count() == 1 and len(stored_files(private_media)) == 2
