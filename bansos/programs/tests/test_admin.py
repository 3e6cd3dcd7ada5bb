import pytest
from django.test import Client

from bansos.accounts.models import User
from bansos.core.models import AuditEvent
from bansos.programs.models import Period, Rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    user = User.objects.create_superuser("pusat", "pusat@example.org", "pw-pusat-123")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "program",
        "period",
        "rule",
        "pmtmodel",
        "rankingrun",
        "enrolmentrun",
        "enrolment",
        "householdflag",
        "paymentbatch",
    ],
)
def test_changelists_render(client: Client, model: str) -> None:
    assert client.get(f"/admin/programs/{model}/").status_code == 200


def test_period_transition_action_and_locked_period_is_read_only(client: Client) -> None:
    period = Period.objects.get(program__code="PKH", year=2026, stage=1)
    for state in ("open", "locked"):
        response = client.post(
            "/admin/programs/period/", {"action": f"make_{state}", "_selected_action": [period.pk]}
        )
        assert response.status_code == 302
    period.refresh_from_db()
    assert period.state == "locked"
    assert AuditEvent.objects.filter(event_type="programs.period_transition").count() == 2
    page = client.get(f"/admin/programs/period/{period.pk}/change/").content.decode()
    assert 'name="label"' not in page  # every field read-only


def test_invalid_rule_in_admin_is_shown_not_saved(client: Client) -> None:
    rule = Rule.objects.filter(program__code="PKH", kind="eligibility").first()
    assert rule is not None
    response = client.post(
        f"/admin/programs/rule/{rule.pk}/change/",
        {
            "program": rule.program_id, "kind": rule.kind, "reason": rule.reason, "name": rule.name,
            "expression": '{"field": "household.income", "op": ">", "value": 1}',
            "position": 0, "active": "on",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "household.income" in response.content.decode()
    rule.refresh_from_db()
    assert rule.expression["field"] == "household.decile"
