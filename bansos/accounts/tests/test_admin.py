"""The admin lists registrations and API tokens read-only, without NIK, KK or token secrets."""

from __future__ import annotations

import pytest
from django.test import Client

from bansos.accounts.models import User
from bansos.accounts.tokens import token_issue

from .factories import family, submit

pytestmark = pytest.mark.django_db


def test_admin_pages_show_no_identifiers_or_secrets(client: Client) -> None:
    _household, _head, nik, kk = family()
    reg = submit(nik, kk)
    _api_token, secret = token_issue(user=reg.user)
    client.force_login(User.objects.create_superuser("root", "root@example.id", "x"))
    for url in (
        "/admin/accounts/registration/",
        f"/admin/accounts/registration/{reg.pk}/change/",
        "/admin/accounts/apitoken/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert nik not in text and kk not in text and secret not in text
