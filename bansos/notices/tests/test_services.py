from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bansos.core.errors import PermissionDenied
from bansos.core.models import AuditEvent
from bansos.notices import selectors, services
from bansos.notices.models import Announcement, Subscription
from bansos.notices.services import NoticeError

from .factories import ACEH_VILLAGE, CIDENG, GAMBIR, active_email, officer, program, published, sms_sub, user

pytestmark = pytest.mark.django_db


def matching(regions: list[str], program_code: str | None) -> set[int]:
    program_id = program(program_code).pk if program_code else None
    return set(
        selectors.subscriptions_matching(regions=regions, program_id=program_id).values_list("pk", flat=True)
    )


def test_targeting_matches_region_prefixes_both_ways_and_the_program(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        everywhere = active_email("a@example.id")
        province = active_email("b@example.id", "31")
        village = active_email("c@example.id", GAMBIR)
        neighbour = active_email("d@example.id", CIDENG)
        aceh = active_email("e@example.id", ACEH_VILLAGE)
        pkh_only = active_email("f@example.id", "3171", "PKH")
        bpnt_only = active_email("g@example.id", "3171", "BPNT")
        pending = services.subscription_create_email(email="h@example.id", region_code=GAMBIR)
    assert pending.state == Subscription.State.PENDING
    # An announcement for Gambir village about PKH
    assert matching([GAMBIR], "PKH") == {everywhere.pk, province.pk, village.pk, pkh_only.pk}
    # for the regency (no program): its villages' and the province's subscribers, both program filters
    assert matching(["3171"], None) == {
        everywhere.pk,
        province.pk,
        village.pk,
        neighbour.pk,
        pkh_only.pk,
        bpnt_only.pk,
    }
    # the whole country about BPNT
    assert matching([], "BPNT") == {
        everywhere.pk,
        province.pk,
        village.pk,
        neighbour.pk,
        aceh.pk,
        bpnt_only.pk,
    }
    # two regions at once
    assert matching([ACEH_VILLAGE, CIDENG], "PKH") == {
        everywhere.pk,
        province.pk,
        neighbour.pk,
        aceh.pk,
        pkh_only.pk,
    }


def test_visible_announcements_by_region_program_and_time():
    now = timezone.now()
    national = published("Nasional", program_code=None)
    jakarta = published("Jakarta", regions=["31"])
    gambir = published("Gambir BPNT", regions=[GAMBIR], program_code="BPNT")
    aceh = published("Aceh", regions=["1101"])
    old = published("Lama", regions=["31"], publish_at=now - datetime.timedelta(days=9))
    Announcement.objects.filter(pk=old.pk).update(expires_at=now - datetime.timedelta(days=1))
    future = published("Nanti", regions=["31"], publish_at=now + datetime.timedelta(days=1))

    def titles(**kw):
        return {a.title for a in selectors.visible_announcements(**kw)}

    assert titles(region=GAMBIR) == {"Nasional", "Jakarta", "Gambir BPNT"}
    assert titles(region="31") == {"Nasional", "Jakarta", "Gambir BPNT"}  # includes those inside
    assert titles(region="3171", within=False) == {"Nasional", "Jakarta"}
    assert titles(region=GAMBIR, program_id=program("PKH").pk) == {"Nasional", "Jakarta"}
    assert titles() == {"Nasional", "Jakarta", "Gambir BPNT", "Aceh"}
    assert not future.is_visible() and national.is_visible() and jakarta.is_visible()
    assert gambir.regions == [GAMBIR] and aceh.regions == ["1101"]


def test_regional_admin_targets_only_inside_their_region():
    dinsos = officer("dinsos", "3171")
    a = services.announcement_create(title="Jakpus", body="x", regions=["3171", GAMBIR], actor=dinsos)
    assert a.regions == ["3171", GAMBIR]
    before = Announcement.objects.count()
    for regions in (["3172"], ["31"], [], ["3171", ACEH_VILLAGE]):
        with pytest.raises(PermissionDenied):
            services.announcement_create(title="Luar", body="x", regions=regions, actor=dinsos)
    with pytest.raises(PermissionDenied):  # village operators and auditors do not write announcements
        services.announcement_create(
            title="Desa", body="x", regions=[GAMBIR], actor=officer("village_operator", GAMBIR)
        )
    with pytest.raises(PermissionDenied):  # cannot move an announcement out of the region either
        services.announcement_update(announcement=a, actor=dinsos, regions=["32"])
    assert Announcement.objects.count() == before
    a.refresh_from_db()
    assert a.regions == ["3171", GAMBIR]


def test_unknown_region_and_bad_times_are_refused_with_a_clear_message():
    admin = officer("national_admin", "")
    with pytest.raises(NoticeError) as caught:
        services.announcement_create(title="T", body="B", regions="31, 9999", actor=admin)
    assert caught.value.code == "notices.unknown_region"
    assert "9999" in caught.value.message
    now = timezone.now()
    with pytest.raises(NoticeError) as caught:
        services.announcement_create(
            title="T", body="B", regions="", actor=admin, publish_at=now, expires_at=now
        )
    assert caught.value.code == "notices.bad_expiry"
    assert not Announcement.objects.exists()


def test_publish_once_and_withdraw(django_capture_on_commit_callbacks):
    admin = officer("national_admin", "")
    a = services.announcement_create(title="T", body="B", regions=["31"], actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_publish(announcement=a, actor=admin)
    with pytest.raises(NoticeError):
        services.announcement_publish(announcement=a, actor=admin)
    assert a.broadcasts.count() == 1
    services.announcement_withdraw(announcement=a, actor=admin)
    a.refresh_from_db()
    assert a.state == "withdrawn" and not a.is_visible()
    events = list(
        AuditEvent.objects.filter(subject_id=str(a.pk), event_type__startswith="notices.announcement")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert events == [
        "notices.announcement_created",
        "notices.announcement_published",
        "notices.announcement_withdrawn",
    ]


def test_double_opt_in_then_unsubscribe(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = services.subscription_create_email(
            email=" Siti@Example.ID ", region_code="3171", program=program("PKH")
        )
    assert s.state == "pending" and s.email == "siti@example.id"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["siti@example.id"]
    assert f"https://bansos.example/berita/langganan/konfirmasi/{s.token}/" in message.body
    assert f"https://bansos.example/berita/langganan/berhenti/{s.token}/" in message.body
    # subscribing again re-sends the confirmation; no second subscription
    with django_capture_on_commit_callbacks(execute=True):
        again = services.subscription_create_email(
            email="siti@example.id", region_code="3171", program=program("PKH")
        )
    assert again.pk == s.pk and len(mail.outbox) == 2 and Subscription.objects.count() == 1
    assert services.subscription_confirm(token=s.token).state == "active"
    assert services.subscription_confirm(token=s.token).state == "active"  # a second click is harmless
    assert services.subscription_unsubscribe(token=s.token).state == "unsubscribed"
    assert services.subscription_unsubscribe(token=s.token).state == "unsubscribed"
    with pytest.raises(NoticeError):
        services.subscription_confirm(token=s.token)
    types = list(
        AuditEvent.objects.filter(subject_id=str(s.pk), event_type__startswith="notices.subscription")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert types == [
        "notices.subscription_created",
        "notices.subscription_confirmed",
        "notices.subscription_cancelled",
    ]
    # after unsubscribing one can subscribe again (a new pending subscription)
    fresh = services.subscription_create_email(
        email="siti@example.id", region_code="3171", program=program("PKH")
    )
    assert fresh.pk != s.pk and fresh.state == "pending"


@pytest.mark.parametrize(
    ("email", "region", "code"),
    [("not-an-address", "", "notices.bad_email"), ("", "", "notices.bad_email"),
     ("a@example.id", "9999", "notices.unknown_region"), ("a@example.id", "31x", "notices.unknown_region")],
)  # fmt: skip
def test_bad_subscription_input_changes_nothing(email, region, code):
    with pytest.raises(NoticeError) as caught:
        services.subscription_create_email(email=email, region_code=region)
    assert caught.value.code == code
    assert not Subscription.objects.exists() and not AuditEvent.objects.exists() and not mail.outbox


def test_user_subscriptions_need_a_valid_phone_for_sms():
    citizen = user()
    with pytest.raises(NoticeError) as caught:
        services.subscription_create_for_user(user=citizen, channel="sms", phone="12ab")
    assert caught.value.code == "notices.bad_phone"
    assert not Subscription.objects.exists()
    s = sms_sub(region="31", phone="0812-3456-7890")
    assert s.state == "active" and s.phone == "081234567890"


def test_bad_tokens_are_refused():
    for token in ("", "nope"):
        with pytest.raises(NoticeError):
            services.subscription_unsubscribe(token=token)
