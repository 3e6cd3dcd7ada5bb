"""/api/accounts with ninja's TestClient: tokens (issued by sign-in, hashed, listed, revoked), register,
me, my household, notifications."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from ninja.testing import TestClient

from bansos.accounts.models import ApiToken, Notification, Registration
from bansos.accounts.notifications import notify_user
from bansos.cases.tests.factories import user
from config.api import api as ninja_api

from .conftest import stored_files
from .factories import BIRTH, PASSWORD, family, photo_bytes, verified_citizen

pytestmark = pytest.mark.django_db


class AccountsClient(TestClient):
    """ninja's TestClient on the whole API (so domain errors are mapped), paths under /accounts."""

    def request(self, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        return super().request(method, "/accounts" + path, *args, **kwargs)


@pytest.fixture
def api() -> TestClient:
    return AccountsClient(ninja_api)


def _token(api: TestClient, identifier: str = "081234567890", password: str = PASSWORD) -> str:
    response = api.post("/tokens", json={"identifier": identifier, "password": password, "name": "HP Budi"})
    assert response.status_code == 201, response.content
    token: str = response.json()["token"]
    return token


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_by_sign_in_is_stored_hashed_and_authenticates(api: TestClient) -> None:
    citizen, _household = verified_citizen()
    token = _token(api)
    assert token.startswith("bsn_") and len(token) > 40
    stored = ApiToken.objects.get(user=citizen)
    assert stored.token_hash != token and token not in stored.token_hash
    assert stored.prefix == token[:12] and stored.name == "HP Budi"
    me = api.get("/me", headers=_auth(token))
    assert me.status_code == 200
    assert me.json()["verified"] is True and me.json()["phone"] == "6281234567890"
    assert api.get("/me").status_code == 401
    assert api.get("/me", headers=_auth(token + "x")).status_code == 401
    assert api.get("/me", headers=_auth("bsn_tebakan")).status_code == 401


def test_wrong_password_gives_a_coded_error(api: TestClient) -> None:
    verified_citizen()
    response = api.post("/tokens", json={"identifier": "081234567890", "password": "salah"})
    assert response.status_code == 401
    assert response.json()["code"] == "account.invalid_login"
    assert ApiToken.objects.count() == 0


def test_list_and_revoke_own_tokens(api: TestClient) -> None:
    verified_citizen()
    first, second = _token(api), _token(api)
    listed = api.get("/tokens", headers=_auth(first)).json()
    assert len(listed) == 2 and all("token" not in item and "token_hash" not in item for item in listed)
    second_id = next(item["id"] for item in listed if second.startswith(item["prefix"]))
    revoked = api.delete(f"/tokens/{second_id}", headers=_auth(first))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert api.get("/me", headers=_auth(second)).status_code == 401
    assert api.get("/me", headers=_auth(first)).status_code == 200


def test_nobody_revokes_another_users_token(api: TestClient) -> None:
    verified_citizen()
    token = _token(api)
    other = user()
    from bansos.accounts.tokens import token_issue

    other_token, _secret = token_issue(user=other)
    response = api.delete(f"/tokens/{other_token.pk}", headers=_auth(token))
    assert response.status_code == 404 and response.json()["code"] == "api_token.not_found"
    other_token.refresh_from_db()
    assert other_token.revoked_at is None


def test_closed_account_token_stops_working(api: TestClient) -> None:
    citizen, _household = verified_citizen()
    token = _token(api)
    type(citizen).objects.filter(pk=citizen.pk).update(is_active=False)
    assert api.get("/me", headers=_auth(token)).status_code == 401


def _register(api: TestClient, nik: str, kk: str, **overrides: Any) -> Any:
    data = {
        "nik": nik,
        "kk": kk,
        "full_name": "Budi Santoso",
        "birth_date": BIRTH.isoformat(),
        "password": PASSWORD,
        "phone": "081234567890",
        **overrides,
    }
    files = {"ktp_photo": photo_bytes(), "selfie": photo_bytes("PNG")}
    return api.post("/register", data=data, FILES=_files(files))


def _files(raw: dict[str, bytes]) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {name: SimpleUploadedFile(f"{name}.jpg", data) for name, data in raw.items()}


def test_register_then_household_and_notifications(api: TestClient) -> None:
    household, _head, nik, kk = family()
    response = _register(api, nik, kk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "verified"
    token = body["token"]
    mine = api.get("/household", headers=_auth(token))
    assert mine.status_code == 200
    data = mine.json()
    assert data["id"] == household.pk
    assert {m["full_name"] for m in data["members"]} == {"BUDI SANTOSO", "DEWI SANTOSO"}
    assert all(nik != m["nik_masked"] for m in data["members"])
    assert [p["code"] for p in data["programs"]][:2] == ["PKH", "BPNT"]
    inbox = api.get("/notifications", headers=_auth(token)).json()
    assert len(inbox) == 1 and inbox[0]["read_at"] is None
    read = api.post(f"/notifications/{inbox[0]['id']}/read", headers=_auth(token))
    assert read.json() == {"updated": 1}
    assert api.get("/notifications?unread=true", headers=_auth(token)).json() == []


def test_register_with_a_bad_photo_is_a_coded_error_and_stores_nothing(
    api: TestClient, private_media: Any
) -> None:
    _household, _head, nik, kk = family()
    data = {"nik": nik, "kk": kk, "full_name": "Budi", "birth_date": BIRTH.isoformat(), "password": PASSWORD}
    files = _files({"ktp_photo": b"GIF89a not really", "selfie": photo_bytes()})
    response = api.post("/register", data={**data, "phone": "081234567890"}, FILES=files)
    assert response.status_code == 400
    assert response.json()["code"] == "case.upload_invalid"
    assert Registration.objects.count() == 0 and stored_files(private_media) == []


def test_household_needs_a_verified_account(api: TestClient) -> None:
    _household, _head, nik, kk = family()
    response = _register(api, nik, kk, full_name="Orang Lain")
    assert response.json()["status"] == "pending"
    mine = api.get("/household", headers=_auth(response.json()["token"]))
    assert mine.status_code == 403 and mine.json()["code"] == "account.not_verified"


def test_mark_all_read(api: TestClient) -> None:
    citizen, _household = verified_citizen()
    notify_user(user=citizen, title="Dua", body="Isi", channels=())
    token = _token(api)
    assert api.post("/notifications/read", headers=_auth(token)).json() == {"updated": 2}
    assert Notification.objects.filter(user=citizen, read_at__isnull=True).count() == 0


def test_lockout_applies_to_the_api_too() -> None:
    verified_citizen()
    client = Client()
    for _ in range(5):
        client.post(
            "/api/accounts/tokens",
            {"identifier": "081234567890", "password": "salah"},
            content_type="application/json",
        )
    locked = client.post(
        "/api/accounts/tokens",
        {"identifier": "081234567890", "password": PASSWORD},
        content_type="application/json",
    )
    assert locked.status_code == 429 and locked.json()["code"] == "account.locked_out"
    assert ApiToken.objects.count() == 0


def test_the_token_also_works_for_casework(api: TestClient) -> None:
    verified_citizen()
    token = _token(api)
    response = Client().get("/api/cases/mine", headers=_auth(token))
    assert response.status_code == 200 and response.json() == []
    assert Client().get("/api/cases/mine").status_code == 401


def test_registration_through_the_api_is_rate_limited(api: TestClient, settings: Any) -> None:
    settings.ACCOUNTS_RATE_PER_IP = (0, 3600)
    _household, _head, nik, kk = family()
    response = _register(api, nik, kk)
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert Registration.objects.count() == 0
