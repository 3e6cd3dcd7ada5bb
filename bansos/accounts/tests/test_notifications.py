"""The in-app inbox: stored at once, e-mail/SMS copies sent by a task only when the transaction commits;
unread count in the account menu; marking read; casework notifications land in the inbox too."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from bansos.accounts.models import Notification
from bansos.accounts.notifications import deliver_notification, notify_user
from bansos.cases.tests.factories import make_proposal, user
from bansos.core import sms

pytestmark = pytest.mark.django_db


def test_copies_are_sent_on_commit(django_capture_on_commit_callbacks: Any) -> None:
    someone = user(phone="6281211112222")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify_user(user=someone, title="Judul", body="Isi", url="/akun/")
    assert Notification.objects.filter(user=someone).count() == 1
    assert mail.outbox == [] and sms.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert mail.outbox[0].subject == "Judul" and mail.outbox[0].to == [someone.email]
    assert "http://127.0.0.1:8000/akun/" in mail.outbox[0].body
    assert sms.outbox[0].to == "6281211112222" and sms.outbox[0].body.startswith("Judul: Isi")
    notification.refresh_from_db()
    assert sorted(notification.delivered) == ["email", "sms"]
    # Idempotent: running the task again sends nothing more.
    assert deliver_notification.call(notification_id=notification.pk, channels=["email", "sms"]) == []
    assert len(mail.outbox) == 1


def test_rolled_back_change_notifies_nobody(django_capture_on_commit_callbacks: Any) -> None:
    someone = user()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify_user(user=someone, title="Judul", body="Isi")
        raise RuntimeError
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_channels_can_be_limited(django_capture_on_commit_callbacks: Any) -> None:
    someone = user(phone="6281211112222")
    with django_capture_on_commit_callbacks(execute=True):
        notify_user(user=someone, title="Judul", body="Isi", channels=["sms"])
        notify_user(user=someone, title="Hanya di aplikasi", body="Isi", channels=())
    assert mail.outbox == [] and len(sms.outbox) == 1
    assert Notification.objects.filter(user=someone).count() == 2


def test_inbox_page_unread_count_and_mark_read(client: Client) -> None:
    someone = user()
    first = notify_user(user=someone, title="Usulan diterima", body="Isi", url="/kasus/", channels=())
    notify_user(user=someone, title="Kedua", body="Isi", channels=())
    client.force_login(someone)
    page = client.get("/akun/notifikasi/").content.decode()
    assert "Usulan diterima" in page and 'id="unread">(2)' in page
    response = client.post(f"/akun/notifikasi/{first.pk}/baca/")
    assert response.status_code == 302 and response["Location"] == "/kasus/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'id="unread">(1)' in client.get("/akun/").content.decode()
    client.post("/akun/notifikasi/baca/")
    assert 'id="unread"' not in client.get("/akun/").content.decode()


def test_nobody_marks_another_users_notifications(client: Client) -> None:
    owner = user()
    notification = notify_user(user=owner, title="Pribadi", body="Isi", channels=())
    client.force_login(user())
    client.post(f"/akun/notifikasi/{notification.pk}/baca/")
    assert "Pribadi" not in client.get("/akun/notifikasi/").content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_casework_notifications_land_in_the_inbox(django_capture_on_commit_callbacks: Any) -> None:
    proposer = user()
    with django_capture_on_commit_callbacks(execute=True):
        make_proposal(proposer=proposer, state="rejected")
    titles = list(Notification.objects.filter(user=proposer).values_list("title", flat=True))
    assert titles  # the rejection reached the inbox
    assert len(mail.outbox) == len(titles)  # and was e-mailed once (not twice)
