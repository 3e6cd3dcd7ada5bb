"""Announcements, subscriptions and their delivery.

An ``Announcement`` is written by a national or regional admin for some regions (Kemendagri codes of any
level; none = the whole country) and optionally one program. Publishing it, or opening a disbursement
period, creates one ``Broadcast`` (unique per source, so publishing twice sends nothing twice) that is
fanned out to every matching active ``Subscription``. ``Delivery`` holds one row per subscription and
broadcast (unique): a batch first claims its rows, then sends only what it claimed, so a retried task never
sends a message twice (docs/adr/0008-notices-and-fanout.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.programs.models import Period, Program


class Announcement(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    # Kemendagri codes (2/4/6/10 digits) the announcement is for; empty = the whole country. Also written
    # to AnnouncementRegion rows so targeting is an indexed query.
    regions = models.JSONField(_("regions"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["state", "publish_at"], name="announcement_state_publish")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=models.F("publish_at")),
                name="announcement_expiry_after_publish",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_visible(self, now: object = None) -> bool:
        now = now or timezone.now()
        return (
            self.state == self.State.PUBLISHED
            and self.publish_at <= now  # type: ignore[operator]
            and (self.expires_at is None or self.expires_at > now)  # type: ignore[operator]
        )


class AnnouncementRegion(models.Model):
    """One target region of an announcement (code ``""`` = the whole country)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="targets")
    region_code = models.CharField(_("region code"), max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "region_code"], name="announcement_region_unique")
        ]
        indexes = [models.Index(fields=["region_code"], name="announcement_region_code")]

    def __str__(self) -> str:
        return f"{self.announcement_id} {self.region_code or '*'}"


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("web push")
    INBOX = "inbox", _("in-app inbox")


class Subscription(models.Model):
    """Someone who wants to hear about a region (code prefix; ``""`` = everywhere) and/or a program (none =
    all programs). E-mail subscriptions need no account and start ``pending`` until the address is
    confirmed (double opt-in); SMS and push subscriptions belong to a logged-in user."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("active")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=10, blank=True)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    # Random secret in the confirmation and unsubscribe links (never derived from the address).
    token = models.CharField(max_length=43, unique=True)
    # channel:address:region:program: at most one live (not unsubscribed) subscription per key.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        indexes = [
            models.Index(fields=["state", "region_code"], name="subscription_state_region"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(state="unsubscribed"), name="subscription_live_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.region_code or '*'}"


class PushSubscription(models.Model):
    """A browser's Web Push endpoint for a logged-in user (from PushManager.subscribe())."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"push #{self.pk} user {self.user_id}"


class Broadcast(models.Model):
    """One message fanned out to subscribers: an announcement published, or a period opened."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        DONE = "done", _("done")

    source = models.CharField(max_length=60, unique=True)  # "announcement:12", "period:5:open"
    announcement = models.ForeignKey(
        Announcement, null=True, blank=True, on_delete=models.PROTECT, related_name="broadcasts"
    )
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    regions = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    batches = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")

    def __str__(self) -> str:
        return self.source


class Delivery(models.Model):
    """One subscription x one broadcast. ``claim`` is the attempt that owns the row: a batch inserts its
    rows with its own claim (conflicts keep the older row) and sends only rows carrying its claim."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("claimed")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        GAVE_UP = "gave_up", _("gave up")

    broadcast = models.ForeignKey(Broadcast, on_delete=models.PROTECT, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.CLAIMED)
    claim = models.CharField(max_length=32)
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "subscription"], name="delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id}/{self.subscription_id} {self.status}"
