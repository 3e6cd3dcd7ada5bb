"""The registry admin, through Django's test client: search by NIK/KK via the blind index, by name, and
edits that go through the services (audit trail)."""

import pytest
from django.test import Client

from bansos.accounts.models import User
from bansos.core.models import AuditEvent
from bansos.registry.tests.factories import make_household, make_person, new_kk, new_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in() -> Client:
    user = User.objects.create_superuser("pusat", "pusat@example.org", "pw-pusat-123")
    client = Client()
    client.force_login(user)
    return client


def test_search_person_by_nik_uses_blind_index_and_masks(admin_client_logged_in: Client) -> None:
    household = make_household()
    nik = new_nik(sex="F")
    make_person(household, nik=nik, full_name="DEWI LESTARI", sex="F")
    make_person(household, full_name="JOKO WIDODO", relationship="spouse")
    found = admin_client_logged_in.post("/admin/registry/person/find/", {"term": nik})
    assert found.status_code == 302
    assert nik not in found["Location"]
    response = admin_client_logged_in.get(found["Location"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "DEWI LESTARI" in body
    assert "JOKO WIDODO" not in body
    assert nik not in body
    assert nik[:6] + "*" * 8 + nik[-2:] in body


def test_search_person_by_name_variant(admin_client_logged_in: Client) -> None:
    household = make_household()
    make_person(household, full_name="MUHAMMAD FAJAR")
    make_person(household, full_name="AGUS SALIM", relationship="child", marital_status="single")
    found = admin_client_logged_in.post("/admin/registry/person/find/", {"term": "moh. fajar"})
    body = admin_client_logged_in.get(found["Location"]).content.decode()
    assert "MUHAMMAD FAJAR" in body
    assert "AGUS SALIM" not in body


def test_search_household_by_kk(admin_client_logged_in: Client) -> None:
    kk = new_kk()
    household = make_household(kk=kk)
    make_household()
    found = admin_client_logged_in.post("/admin/registry/household/find/", {"term": kk})
    assert kk not in found["Location"]
    body = admin_client_logged_in.get(found["Location"]).content.decode()
    assert f"/admin/registry/household/{household.pk}/change/" in body
    assert body.count("/change/") == 1
    assert kk not in body


def test_edit_through_admin_is_audited(admin_client_logged_in: Client) -> None:
    person = make_person(make_household())
    url = f"/admin/registry/person/{person.pk}/change/"
    page = admin_client_logged_in.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data.update({"occupation": "farmer", "is_civil_servant": "", "is_military": "", "is_police": "",
                 "chronic_illness": "", "is_pregnant": ""})  # fmt: skip
    data = {key: value for key, value in data.items() if value is not False}
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.occupation == "farmer"
    event = AuditEvent.objects.get(event_type="registry.person_updated")
    assert event.actor_label == "pusat"
    assert event.details["changes"]["occupation"]["after"] == "farmer"


def test_registry_admin_refuses_delete_and_add(admin_client_logged_in: Client) -> None:
    person = make_person(make_household())
    assert admin_client_logged_in.get("/admin/registry/person/add/").status_code == 403
    assert admin_client_logged_in.get(f"/admin/registry/person/{person.pk}/delete/").status_code == 403


def test_identifier_typed_into_the_get_search_box_is_not_searched(admin_client_logged_in: Client) -> None:
    nik = new_nik(sex="F")
    make_person(make_household(), nik=nik, full_name="RINA WATI", sex="F")
    body = admin_client_logged_in.get("/admin/registry/person/", {"q": nik}).content.decode()
    assert "RINA WATI" not in body


def test_find_form_requires_a_term_and_login(admin_client_logged_in: Client) -> None:
    page = admin_client_logged_in.post("/admin/registry/person/find/", {"term": ""})
    assert page.status_code == 200
    assert "term" in page.context["form"].errors
    assert Client().post("/admin/registry/person/find/", {"term": new_nik()}).status_code == 302  # to login
