from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core import mail

from bansos.accounts.models import Notification
from bansos.core import sms
from bansos.core.audit import SystemActor
from bansos.notices import fanout, services
from bansos.notices.models import Broadcast, Channel, Delivery, PushSubscription
from bansos.programs import services as program_services
from bansos.programs.models import Period

from .factories import GAMBIR, active_email, officer, program, published, sms_sub, user

pytestmark = pytest.mark.django_db


def make_subscribers(n: int, region: str = "31") -> list[int]:
    return [active_email(f"warga{i}@example.id", region).pk for i in range(n)]


def test_publishing_fans_out_in_batches_once_per_subscriber(settings, django_capture_on_commit_callbacks):
    settings.NOTICES_BATCH_SIZE = 3
    ids = make_subscribers(7)
    active_email("aceh@example.id", "11")  # not reached
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        a = published("Pencairan", regions=["3171"])
    broadcast = Broadcast.objects.get(announcement=a)
    assert broadcast.batches == 3 and broadcast.batches_done == 3 and broadcast.state == "done"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"warga{i}@example.id" for i in range(7))
    assert Delivery.objects.filter(broadcast=broadcast, status="sent").count() == 7
    assert set(Delivery.objects.values_list("subscription_id", flat=True)) == set(ids)
    message = mail.outbox[0]
    token = Delivery.objects.get(broadcast=broadcast, subscription__email=message.to[0]).subscription.token
    unsubscribe = f"https://bansos.example/berita/langganan/berhenti/{token}/"
    assert message.subject == "Pencairan"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body and f"https://bansos.example/berita/{a.pk}/" in message.body
    # starting the same broadcast again (a duplicated task) sends nothing
    assert fanout.broadcast_start.call(broadcast_id=broadcast.pk) == 0
    assert len(mail.outbox) == 7


def test_a_retried_batch_never_sends_twice(settings):
    ids = make_subscribers(5)
    mail.outbox.clear()
    broadcast = Broadcast.objects.create(source="test:1", subject="S", body="B", regions=["31"])
    first = fanout.claim_and_send(broadcast, ids[0], ids[-1])
    assert first["sent"] == 5 and len(mail.outbox) == 5
    # the task is delivered again (worker lost the acknowledgement): nothing is claimed, nothing sent
    again = fanout.deliver_batch.call(broadcast_id=broadcast.pk, first_id=ids[0], last_id=ids[-1], attempt=2)
    assert again["claimed"] == 0 and again["sent"] == 0 and len(mail.outbox) == 5
    assert Delivery.objects.filter(broadcast=broadcast).count() == 5


class FlakyBackend:
    """Fails for addresses in ``fail`` (as an SMTP server refusing some recipients)."""

    fail: set[str] = set()
    sent: list[str] = []

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        if any(m.to[0] in self.fail for m in messages):
            raise OSError("refused")
        FlakyBackend.sent.extend(m.to[0] for m in messages)
        return len(messages)


def test_failures_are_retried_and_only_the_failed_are_sent_again(settings):
    settings.EMAIL_BACKEND = "bansos.notices.tests.test_fanout.FlakyBackend"
    settings.NOTICES_MAX_ATTEMPTS = 3
    ids = make_subscribers(4)
    FlakyBackend.sent = []
    FlakyBackend.fail = {"warga1@example.id"}
    broadcast = Broadcast.objects.create(source="test:2", subject="S", body="B", regions=[])
    counts = fanout.claim_and_send(broadcast, ids[0], ids[-1], attempt=1)
    assert counts == {"recipients": 4, "claimed": 4, "sent": 3, "failed": 1, "retry": 1}
    assert sorted(FlakyBackend.sent) == ["warga0@example.id", "warga2@example.id", "warga3@example.id"]
    failed = Delivery.objects.get(broadcast=broadcast, status="failed")
    assert failed.subscription_id == ids[1] and failed.error == "OSError"
    # retry: the recipient is reachable again; only that one gets the message
    FlakyBackend.fail = set()
    counts = fanout.claim_and_send(broadcast, ids[0], ids[-1], attempt=2)
    assert counts["claimed"] == 1 and counts["sent"] == 1
    assert sorted(FlakyBackend.sent) == [f"warga{i}@example.id" for i in range(4)]
    assert Delivery.objects.get(subscription_id=ids[1]).attempts == 2
    # the same retry delivered twice: nothing more
    fanout.claim_and_send(broadcast, ids[0], ids[-1], attempt=2)
    assert len(FlakyBackend.sent) == 4
    assert set(Delivery.objects.filter(broadcast=broadcast).values_list("status", flat=True)) == {"sent"}


def test_the_task_re_enqueues_failures_until_it_gives_up(settings):
    settings.EMAIL_BACKEND = "bansos.notices.tests.test_fanout.FlakyBackend"
    settings.NOTICES_MAX_ATTEMPTS = 3
    ids = make_subscribers(2)
    FlakyBackend.sent = []
    FlakyBackend.fail = {"warga0@example.id"}
    broadcast = Broadcast.objects.create(
        source="test:3", subject="S", body="B", regions=[], batches=1, state="sending"
    )
    fanout.deliver_batch.call(
        broadcast_id=broadcast.pk, first_id=ids[0], last_id=ids[-1]
    )  # immediate retries
    row = Delivery.objects.get(subscription_id=ids[0])
    assert (row.status, row.attempts) == ("gave_up", 3)
    assert FlakyBackend.sent == ["warga1@example.id"]
    broadcast.refresh_from_db()
    assert broadcast.state == "done" and broadcast.batches_done == 1


def test_sms_and_push_channels(settings, monkeypatch, django_capture_on_commit_callbacks):
    texting = sms_sub(region=GAMBIR, program_code="PKH")
    pusher = user()
    services.push_subscription_save(
        user=pusher, endpoint="https://push.example/abc", p256dh="B" * 87, auth="a" * 22
    )
    services.push_subscription_save(
        user=pusher, endpoint="https://push.example/gone", p256dh="B" * 87, auth="a" * 22
    )
    services.subscription_create_for_user(user=pusher, channel="push", region_code="31")
    nobody = services.subscription_create_for_user(user=user(), channel="push", region_code="31")
    pushed: list[dict[str, Any]] = []

    def webpush(**kwargs: Any) -> None:
        import pywebpush

        if kwargs["subscription_info"]["endpoint"].endswith("gone"):
            raise pywebpush.WebPushException("gone", response=type("R", (), {"status_code": 410})())
        pushed.append(kwargs)

    monkeypatch.setattr("pywebpush.webpush", webpush)
    with django_capture_on_commit_callbacks(execute=True):
        a = published("Jadwal", regions=[GAMBIR])
    assert [m.to for m in sms.outbox] == [texting.phone]
    assert sms.outbox[0].body.startswith("Jadwal https://bansos.example/berita/")
    assert len(pushed) == 1
    assert json.loads(pushed[0]["data"]) == {
        "title": "Jadwal",
        "body": "Jadwal",
        "url": f"https://bansos.example/berita/{a.pk}/",
    }
    assert pushed[0]["vapid_claims"] == {"sub": settings.VAPID_SUBJECT}
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == ["https://push.example/abc"]
    assert Delivery.objects.get(subscription=nobody).status == "gave_up"


def test_opening_a_period_tells_the_program_subscribers_once(django_capture_on_commit_callbacks):
    pkh = active_email("pkh@example.id", "", "PKH")
    active_email("bpnt@example.id", "", "BPNT")
    everyone = active_email("all@example.id", GAMBIR)
    mail.outbox.clear()
    period = Period.objects.filter(program__code="PKH", state="planned").order_by("stage")[0]
    actor = SystemActor("test")
    with django_capture_on_commit_callbacks(execute=True):
        program_services.period_transition(period=period, to="open", actor=actor)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pkh.email, everyone.email])
    assert "PKH" in mail.outbox[0].subject and period.label in str(mail.outbox[0].subject)
    # back to planned and open again: the subscribers are not told twice
    with django_capture_on_commit_callbacks(execute=True):
        program_services.period_transition(period=period, to="planned", actor=actor)
        program_services.period_transition(period=period, to="open", actor=actor)
    assert len(mail.outbox) == 2
    assert Broadcast.objects.filter(period=period).count() == 1


def test_future_announcements_are_deferred_when_the_backend_can(settings, django_capture_on_commit_callbacks):
    active_email("a@example.id")
    mail.outbox.clear()
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        published("Nanti", publish_at=later)
    # the immediate backend cannot defer: sent at publication (documented); the page shows it only later
    assert len(mail.outbox) == 1
    assert program("PKH").code == "PKH"
    assert officer("national_admin", "").pk


def test_inbox_subscribers_find_the_announcement_in_their_account_inbox(django_capture_on_commit_callbacks):
    reader = user("pembaca")
    services.subscription_create_for_user(user=reader, channel=Channel.INBOX, region_code="31")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        a = published("Pencairan BPNT", regions=["3171"])
    note = Notification.objects.get(user=reader)
    assert note.title == "Pencairan BPNT" and str(a.pk) in note.link
    assert Delivery.objects.get(subscription__user=reader).status == "sent"
    assert mail.outbox == []  # the inbox only: the reader chose no e-mail copy
