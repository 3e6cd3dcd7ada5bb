from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from bansos.accounts.testing import login_officer
from bansos.notices import services
from bansos.notices.models import Announcement, PushSubscription, Subscription
from bansos.registry.tests.factories import make_household, make_person

from .factories import GAMBIR, active_email, officer, published, user

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def web(**kwargs) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)


def as_user(who) -> Client:
    """Logged in; with a verified second factor, as the officer console needs (harmless for citizens)."""
    return login_officer(web(), who)


def test_news_page_filters_by_region_and_program():
    published("Untuk Jakarta", regions=["31"])
    published("Untuk Aceh", regions=["11"], program_code="BPNT")
    page = web().get("/berita/").content.decode()
    assert "Untuk Jakarta" in page and "Untuk Aceh" in page
    jakarta = web().get("/berita/", {"province": "31", "regency": "3171"}).content.decode()
    assert "Untuk Jakarta" in jakarta and "Untuk Aceh" not in jakarta
    assert '<option value="3171" selected>' in jakarta  # the selects keep the choice (no JavaScript needed)
    bpnt = web().get("/berita/", {"program": "BPNT", "region": "1101"}).content.decode()
    assert "Untuk Aceh" in bpnt and "Untuk Jakarta" not in bpnt
    nothing = web().get("/berita/", {"province": "11", "program": "PKH"}).content.decode()
    assert 'id="no-news"' in nothing


def test_detail_shows_only_visible_announcements():
    a = published("Terbit", regions=["3171"])
    page = web().get(f"/berita/{a.pk}/")
    assert page.status_code == 200 and "Terbit" in page.content.decode()
    assert "JAKARTA PUSAT" in page.content.decode().upper()
    draft = services.announcement_create(
        title="Draf", body="x", regions=["31"], actor=officer("national_admin", "")
    )
    assert web().get(f"/berita/{draft.pk}/").status_code == 404
    assert web().get("/berita/999999/").status_code == 404


def test_rss_and_atom_feeds_are_valid_and_filtered():
    a = published("Kabar <Jakarta> & sekitarnya", regions=["31"])
    published("Kabar Aceh", regions=["11"])
    rss = web().get("/berita/rss/", {"region": "3171"})
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    root: Any = ET.fromstring(rss.content)  # noqa: S314  (our own feed)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert channel.find(name) is not None and channel.find(name).text
    items = channel.findall("item")
    assert [i.find("title").text for i in items] == ["Kabar <Jakarta> & sekitarnya"]
    assert items[0].find("link").text == f"http://testserver/berita/{a.pk}/"
    assert items[0].find("guid") is not None and items[0].find("pubDate") is not None
    assert items[0].find("category").text == "PKH"

    atom = web().get("/berita/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    feed: Any = ET.fromstring(atom.content)  # noqa: S314
    assert feed.tag == f"{ATOM}feed"
    for name in ("title", "id", "updated"):
        assert feed.find(f"{ATOM}{name}").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for name in ("title", "id", "updated"):
            assert entry.find(f"{ATOM}{name}").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/berita/")


def test_subscribe_confirm_and_unsubscribe_through_the_pages(django_capture_on_commit_callbacks):
    client = web()
    assert client.get("/berita/langganan/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/berita/langganan/",
            {"email": "ani@example.id", "province": "31", "regency": "3171", "program": "PKH"},
        )
    assert response.status_code == 200 and 'id="subscribed"' in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.program is not None
    assert (subscription.region_code, subscription.program.code, subscription.state) == (
        "3171",
        "PKH",
        "pending",
    )
    link = f"/berita/langganan/konfirmasi/{subscription.token}/"
    assert link in mail.outbox[0].body
    assert 'id="confirmed"' in client.get(link).content.decode()
    subscription.refresh_from_db()
    assert subscription.state == "active"
    # the unsubscribe link shows one button (a link scanner does not unsubscribe) ...
    stop = f"/berita/langganan/berhenti/{subscription.token}/"
    assert 'id="unsubscribe"' in client.get(stop).content.decode()
    subscription.refresh_from_db()
    assert subscription.state == "active"
    # ... and the one-click POST of a mail client (no CSRF token) unsubscribes
    response = Client(enforce_csrf_checks=True).post(stop, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and 'id="unsubscribed"' in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == "unsubscribed"
    assert web().get("/berita/langganan/berhenti/salah/").status_code == 404
    assert web().get("/berita/langganan/konfirmasi/salah/").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [({"email": "bukan-email"}, "Enter a valid e-mail address"),
     ({"email": "a@example.id", "region": "99"}, "Unknown region code &#x27;99&#x27;")],
)  # fmt: skip
def test_subscribe_page_bad_input_shows_a_message_and_changes_nothing(data, message):
    response = web().post("/berita/langganan/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscription.objects.exists() and not mail.outbox


def test_subscribe_page_messages_are_indonesian_by_default():
    response = Client().post("/berita/langganan/", {"email": "bukan-email"})
    assert "Masukkan alamat e-mail yang benar" in response.content.decode()


def test_logged_in_user_subscribes_by_sms():
    citizen = user()
    form = as_user(citizen).get("/berita/langganan/").content.decode()
    assert 'name="channel"' in form and 'value="sms"' in form
    assert 'id="push-optin"' in form and 'data-key="BPUBLIC"' in form  # the web push opt-in button
    assert 'id="push-optin"' not in web().get("/berita/langganan/").content.decode()
    response = as_user(citizen).post(
        "/berita/langganan/", {"channel": "sms", "phone": "081298765432", "province": "31"}
    )
    assert response.status_code == 200
    s = Subscription.objects.get()
    assert (s.channel, s.phone, s.user, s.state, s.region_code) == (
        "sms",
        "081298765432",
        citizen,
        "active",
        "31",
    )
    bad = as_user(citizen).post("/berita/langganan/", {"channel": "sms", "phone": "123"})
    assert bad.status_code == 400 and Subscription.objects.count() == 1


def test_push_endpoint_stores_the_browser_subscription():
    citizen = user()
    body = {
        "endpoint": "https://push.example/xyz",
        "keys": {"p256dh": "B" * 87, "auth": "a" * 22},
        "region": "31",
    }
    assert web().post("/berita/push/", json.dumps(body), content_type="application/json").status_code == 302
    response = as_user(citizen).post("/berita/push/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert PushSubscription.objects.get().user == citizen
    assert Subscription.objects.get().channel == "push"
    bad = as_user(citizen).post(
        "/berita/push/", json.dumps({"endpoint": "http://x"}), content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "notices.bad_endpoint"
    gone = as_user(citizen).delete(
        "/berita/push/", json.dumps({"endpoint": body["endpoint"]}), content_type="application/json"
    )
    assert gone.json() == {"removed": 1} and not PushSubscription.objects.exists()


def test_help_page_links_to_proposals_objections_and_contact():
    page = web().get("/bantuan/").content.decode()
    for link in ("/kasus/usulan/baru/", "/kasus/sanggahan/baru/", "/kontak/", "171"):
        assert link in page


def test_nav_links_on_every_page():
    page = web().get("/").content.decode()
    for link in ('href="/berita/"', 'href="/statistik/"', 'href="/bantuan/"'):
        assert link in page


def test_status_check_result_shows_announcements_for_the_region(settings):
    from bansos.lookup.tests.helpers import solved_altcha

    published("Info Gambir", regions=[GAMBIR])
    published("Info Aceh", regions=["11"])
    household = make_household(GAMBIR)
    make_person(household, full_name="SITI AMINAH")
    data = {
        "mode": "name",
        "province": "31",
        "regency": "3171",
        "district": "317101",
        "village": GAMBIR,
        "name": "SITI AMINAH",
    }
    page = web().post("/cek/", {**data, "altcha": solved_altcha()}).content.decode()
    assert 'id="region-news"' in page and "Info Gambir" in page and "Info Aceh" not in page


# --- officer console -----------------------------------------------------------------------------------


def test_console_needs_an_author_role():
    assert web().get("/petugas/pengumuman/").status_code == 302
    assert as_user(user()).get("/petugas/pengumuman/").status_code == 403
    assert as_user(officer("village_operator", GAMBIR)).get("/petugas/pengumuman/").status_code == 403
    assert as_user(officer("dinsos", "3171")).get("/petugas/pengumuman/").status_code == 200


def test_console_create_edit_publish_with_confirmation(django_capture_on_commit_callbacks):
    active_email("warga@example.id", "3171")
    mail.outbox.clear()
    client = as_user(officer("dinsos", "3171"))
    response = client.post(
        "/petugas/pengumuman/baru/",
        {"title": "Pencairan BPNT", "body": "Di kantor pos.", "program": "BPNT", "regions": "3171, 317101"},
    )
    a = Announcement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/petugas/pengumuman/{a.pk}/"
    assert a.program is not None
    assert (a.state, a.regions, a.program.code) == ("draft", ["3171", "317101"], "BPNT")
    edit = client.post(
        f"/petugas/pengumuman/{a.pk}/",
        {"title": "Pencairan BPNT tahap 1", "body": "Di kantor pos.", "program": "BPNT", "regions": "3171"},
    )
    assert edit.status_code == 302
    a.refresh_from_db()
    assert a.title == "Pencairan BPNT tahap 1" and a.regions == ["3171"]
    confirm = client.get(f"/petugas/pengumuman/{a.pk}/terbitkan/")
    assert confirm.status_code == 200 and "Confirm" in confirm.content.decode()
    unconfirmed = client.post(f"/petugas/pengumuman/{a.pk}/terbitkan/", {})
    assert unconfirmed.status_code == 400
    a.refresh_from_db()
    assert a.state == "draft" and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/petugas/pengumuman/{a.pk}/terbitkan/", {"confirm": "1"})
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.state == "published" and [m.to for m in mail.outbox] == [["warga@example.id"]]
    assert "sent 1" in client.get(f"/petugas/pengumuman/{a.pk}/").content.decode()


def test_console_is_scoped_to_the_region():
    mine = services.announcement_create(
        title="Jakpus", body="x", regions=["3171"], actor=officer("dinsos", "3171")
    )
    theirs = services.announcement_create(
        title="Jaksel", body="x", regions=["3174"], actor=officer("dinsos", "3174")
    )
    national = services.announcement_create(
        title="Nasional", body="x", regions=[], actor=officer("national_admin", "")
    )
    client = as_user(officer("dinsos", "3171"))
    page = client.get("/petugas/pengumuman/").content.decode()
    assert "Jakpus" in page and "Jaksel" not in page and "Nasional" not in page
    for other in (theirs, national):
        assert client.get(f"/petugas/pengumuman/{other.pk}/").status_code == 404
        assert client.post(f"/petugas/pengumuman/{other.pk}/terbitkan/", {"confirm": "1"}).status_code == 404
        other.refresh_from_db()
        assert other.state == "draft"
    assert client.get(f"/petugas/pengumuman/{mine.pk}/").status_code == 200
    province = as_user(officer("province", "31")).get("/petugas/pengumuman/").content.decode()
    assert "Jakpus" in province and "Jaksel" in province and "Nasional" not in province
    everything = as_user(officer("national_admin", "")).get("/petugas/pengumuman/").content.decode()
    assert all(t in everything for t in ("Jakpus", "Jaksel", "Nasional"))


def test_console_bad_region_shows_a_message_and_saves_nothing():
    client = as_user(officer("dinsos", "3171"))
    response = client.post("/petugas/pengumuman/baru/", {"title": "T", "body": "B", "regions": "3171, 12345"})
    assert (
        response.status_code == 400 and "Unknown region code &#x27;12345&#x27;" in response.content.decode()
    )
    outside = client.post("/petugas/pengumuman/baru/", {"title": "T", "body": "B", "regions": "3174"})
    assert outside.status_code == 403 and "outside your assignment" in outside.content.decode()
    assert not Announcement.objects.exists()


@pytest.mark.parametrize(
    "model", ["announcement", "subscription", "pushsubscription", "broadcast", "delivery"]
)
def test_admin_lists_render(model):
    published("Admin", regions=["31"])
    active_email("admin@example.id")
    staff = user(is_staff=True, is_superuser=True)
    assert as_user(staff).get(f"/admin/notices/{model}/").status_code == 200
