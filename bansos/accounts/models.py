from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.core import crypto
from bansos.regions.models import Village
from bansos.registry.models import Household, Person


class User(AbstractUser):
    """Citizen and officer accounts. An officer is a user with at least one active ``OfficerRole``.

    A citizen signs in with ``phone`` (normalised to 62…) or ``email``; ``username`` is generated for them.
    ``person`` links a verified citizen to their registry record (one account per person)."""

    phone = models.CharField(_("phone"), max_length=20, blank=True, default="")
    person = models.OneToOneField(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
        verbose_name=_("registry person"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~models.Q(phone="") & models.Q(is_active=True),
                name="user_active_phone_unique",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email="") & models.Q(is_active=True),
                name="user_active_email_unique",
            ),
        ]


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


class Registration(models.Model):
    """A citizen's request to have their account linked to the registry: what they typed (NIK and KK
    encrypted, with blind indexes), the KTP photo and a selfie (stored under PRIVATE_MEDIA_ROOT), and the
    outcome: verified automatically when everything agrees with the registry, otherwise pending in the
    verification queue of the region it belongs to (``region_code``: the registry's village, else the
    NIK's district) until an operator verifies or refuses it. One live registration per NIK."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for verification")
        VERIFIED = "verified", _("verified")
        REFUSED = "refused", _("refused")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registration"
    )
    nik_encrypted = models.BinaryField(_("NIK (encrypted)"))
    nik_index = models.CharField(_("NIK blind index"), max_length=32)
    kk_encrypted = models.BinaryField(_("KK number (encrypted)"))
    kk_index = models.CharField(_("KK blind index"), max_length=32)
    full_name = models.CharField(_("full name"), max_length=150)
    birth_date = models.DateField(_("birth date"))
    ktp_photo = models.CharField(_("KTP photo"), max_length=255)
    selfie_photo = models.CharField(_("selfie"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    region_code = models.CharField(_("region code"), max_length=10, db_index=True)
    village = models.ForeignKey(Village, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mismatches = models.JSONField(_("differences from the registry"), default=list, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik_index"],
                condition=~models.Q(status="refused"),
                name="registration_live_nik_unique",
            )
        ]

    def __str__(self) -> str:
        return f"registration #{self.pk} {self.status}"

    @property
    def nik(self) -> str:
        return crypto.decrypt(self.nik_encrypted)

    @property
    def kk(self) -> str:
        return crypto.decrypt(self.kk_encrypted)


class ApiToken(models.Model):
    """A bearer token for the JSON API (the phone app). Only a SHA-256 hash is stored; the token itself
    (``bsn_`` + 43 random characters) is shown once. ``prefix`` (its first 12 characters) names it in
    lists. Revoked, never deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class ResetCode(models.Model):
    """A one-time code sent by SMS to reset a password: stored hashed, expires, a few attempts only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")
        indexes = [models.Index(fields=["user", "created_at"], name="resetcode_user_created")]

    def __str__(self) -> str:
        return f"reset code #{self.pk}"


class Notification(models.Model):
    """An entry in a user's in-app inbox; e-mail/SMS copies are sent by a task after commit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered = models.JSONField(_("delivered by"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read")]

    def __str__(self) -> str:
        return self.title
