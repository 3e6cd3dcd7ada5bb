"""Demo officers for `bansos demo`: a national administrator and the village operator of the real village
with the most synthetic households, each with a password and a one-time demo backup code (so the demo can
be tried without a phone; with one, the first sign-in enrols an authenticator app)."""

from __future__ import annotations

import secrets

from django.db.models import Count

from bansos.accounts.models import Role, User
from bansos.accounts.officer_auth import officer_demo_backup_code
from bansos.accounts.services import officer_role_grant
from bansos.core.audit import SystemActor
from bansos.regions.models import Village
from bansos.registry.models import Household


def _busiest_village() -> Village:
    row = Household.objects.values("village_id").annotate(n=Count("id")).order_by("-n", "village_id").first()
    if row is not None:
        return Village.objects.get(code=row["village_id"])
    return Village.objects.order_by("code").first() or Village.objects.get()


def _account(username: str, password: str, *, staff: bool = False) -> User:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@bansos.invalid"}
    )
    user.is_staff = user.is_superuser = staff
    user.set_password(password)
    user.save()
    return user


def demo_officers(*, actor: SystemActor) -> list[str]:
    """Create (or reset) the demo officers; returns the lines to print and keep in the accounts file."""
    admin_password, operator_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    admin = _account("admin", admin_password, staff=True)
    officer_role_grant(user=admin, role=Role.NATIONAL_ADMIN, region_code="", actor=actor)
    village = _busiest_village()
    operator = _account("operator", operator_password)
    officer_role_grant(user=operator, role=Role.VILLAGE_OPERATOR, region_code=village.code, actor=actor)
    admin_code = officer_demo_backup_code(user=admin, actor=actor)
    operator_code = officer_demo_backup_code(user=operator, actor=actor)
    return [
        f"national administrator: username admin, password {admin_password}",
        f"village operator of {village.name} ({village.code}): "
        f"username operator, password {operator_password}",
        "officers sign in at /petugas/masuk/ with two factors: after the password, scan the QR code with an "
        "authenticator app (Aegis, FreeOTP, Google Authenticator...) and type its 6-digit code",
        f"no phone at hand? one-time demo backup codes: admin {admin_code}, operator {operator_code} "
        '(on the QR page choose "Saya punya kode cadangan" / "I have a backup code")',
    ]
