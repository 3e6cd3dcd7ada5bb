from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Citizen and officer accounts. An officer is a user with at least one active ``OfficerRole``."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Role(models.TextChoices):
    VILLAGE_OPERATOR = "village_operator", _("village operator")
    DISTRICT = "district", _("district officer")
    DINSOS = "dinsos", _("regency social office (Dinsos)")
    PROVINCE = "province", _("province officer")
    NATIONAL_ADMIN = "national_admin", _("national administrator")
    HELPDESK = "helpdesk", _("helpdesk agent")
    AUDITOR = "auditor", _("auditor (read-only)")


class OfficerRole(models.Model):
    """A role held by an officer over one region (a Kemendagri code: 2 province, 4 regency, 6 district,
    10 village digits; empty = the whole country). Codes nest by prefix, so the region's subtree is every
    village whose code starts with ``region_code``. Ended, never deleted (``ended_at``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region_code = models.CharField(_("region code"), max_length=10, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("officer role")
        verbose_name_plural = _("officer roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region_code"],
                condition=models.Q(ended_at__isnull=True),
                name="officer_role_active_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} {self.region_code or '*'}"
