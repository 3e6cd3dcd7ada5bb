"""Suite-wide fixtures. The real region tree (all 83,762 villages) is loaded once per test database, so
every test sees official codes; each test's own changes are rolled back as usual."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# Browser test fixtures (browser, page, site) and the region reload after transactional tests.
pytest_plugins = ["bansos.core.testing.browser"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    from bansos.core.audit import SystemActor
    from bansos.core.models import AuditEvent
    from bansos.regions.loader import regions_load
    from bansos.regions.models import Village

    with django_db_blocker.unblock():
        if not Village.objects.exists():
            regions_load(actor=SystemActor("test-setup"))
            AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)  # start every test with an empty log
    yield
