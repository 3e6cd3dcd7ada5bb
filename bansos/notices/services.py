"""Writes: announcements (create, update, publish, withdraw), subscriptions (subscribe, confirm,
unsubscribe), browsers' push subscriptions and the broadcasts that fan out. One audit event per change;
officers are held to their region through bansos.accounts.scoping."""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from bansos.accounts.scoping import officer_scope
from bansos.core.audit import Actor, SystemActor, apply_changes, record
from bansos.core.errors import DomainError, PermissionDenied
from bansos.notices import fanout
from bansos.notices.models import (
    Announcement,
    AnnouncementRegion,
    Broadcast,
    Channel,
    PushSubscription,
    Subscription,
)
from bansos.notices.selectors import AUTHOR_ROLES
from bansos.programs.models import Period, Program
from bansos.regions.selectors import region_exists

PUBLIC = SystemActor("public web")
PHONE_RE = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$")


class NoticeError(DomainError):
    code = "notices.invalid"


# --- announcements -------------------------------------------------------------------------------------


def clean_regions(codes: list[str] | str) -> list[str]:
    """Region codes from a list or a comma/space separated string: digits, existing, without repeats."""
    if isinstance(codes, str):
        codes = [c for c in re.split(r"[\s,;]+", codes) if c]
    cleaned: list[str] = []
    for raw in codes:
        code = str(raw).strip().replace(".", "")
        if not region_exists(code):
            raise NoticeError(
                _("Unknown region code '%(region)s'. Use a Kemendagri code of 2, 4, 6 or 10 digits."),
                code="notices.unknown_region",
                region=code[:20],
            )
        if code not in cleaned:
            cleaned.append(code)
    return sorted(cleaned)


def _require_author(actor: Actor, regions: list[str]) -> None:
    """An author may target only regions inside the regions of their author roles; the whole country
    (no region) needs a national role."""
    scope = officer_scope(actor)
    if not scope.prefixes(AUTHOR_ROLES, write=True):
        raise PermissionDenied(
            _("Only national or regional admins write announcements."), code="notices.not_author"
        )
    for code in regions or [""]:
        if not scope.covers(code, AUTHOR_ROLES, write=True):
            if code:
                raise PermissionDenied(
                    _("Region %(region)s is outside your assignment."), code="scope.denied", region=code
                )
            raise PermissionDenied(
                _("Only a national admin can address the whole country; choose regions."), code="scope.denied"
            )


def _check_times(publish_at: datetime.datetime, expires_at: datetime.datetime | None) -> None:
    if expires_at is not None and expires_at <= publish_at:
        raise NoticeError(_("The expiry time must be after the publication time."), code="notices.bad_expiry")


def _set_targets(announcement: Announcement) -> None:
    AnnouncementRegion.objects.filter(announcement=announcement).delete()
    AnnouncementRegion.objects.bulk_create(
        [AnnouncementRegion(announcement=announcement, region_code=c) for c in (announcement.regions or [""])]
    )


@transaction.atomic
def announcement_create(
    *,
    title: str,
    body: str,
    regions: list[str] | str,
    actor: Actor,
    program: Program | None = None,
    publish_at: datetime.datetime | None = None,
    expires_at: datetime.datetime | None = None,
) -> Announcement:
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise NoticeError(_("Give a title and a text."), code="notices.empty")
    codes = clean_regions(regions)
    _require_author(actor, codes)
    publish_at = publish_at or timezone.now()
    _check_times(publish_at, expires_at)
    announcement = Announcement.objects.create(
        title=title[:150],
        body=body,
        program=program,
        regions=codes,
        publish_at=publish_at,
        expires_at=expires_at,
        created_by=None if isinstance(actor, SystemActor) else actor,  # type: ignore[misc]
    )
    _set_targets(announcement)
    record(
        actor=actor,
        event_type="notices.announcement_created",
        subject=announcement,
        details={"regions": codes, "program": program.code if program else None},
    )
    return announcement


@transaction.atomic
def announcement_update(*, announcement: Announcement, actor: Actor, **changes: Any) -> Announcement:
    """Edit title, text, program, regions and times. The author must reach the old and the new regions.
    A published announcement is not sent again."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.state == Announcement.State.WITHDRAWN:
        raise NoticeError(_("A withdrawn announcement cannot be changed."), code="notices.withdrawn")
    _require_author(actor, list(announcement.regions))
    unknown = set(changes) - {"title", "body", "program", "regions", "publish_at", "expires_at"}
    if unknown:
        raise NoticeError(_("These fields cannot be changed: %(fields)s."), fields=", ".join(sorted(unknown)))
    if "regions" in changes:
        changes["regions"] = clean_regions(changes["regions"])
        _require_author(actor, changes["regions"])
    for name in ("title", "body"):
        if name in changes:
            changes[name] = str(changes[name]).strip()
            if not changes[name]:
                raise NoticeError(_("Give a title and a text."), code="notices.empty")
    if announcement.state == Announcement.State.PUBLISHED and "publish_at" in changes:
        del changes["publish_at"]
    _check_times(
        changes.get("publish_at", announcement.publish_at), changes.get("expires_at", announcement.expires_at)
    )
    program = changes.pop("program", announcement.program)
    diff = apply_changes(announcement, changes)
    if program != announcement.program:
        diff["program"] = {
            "before": announcement.program.code if announcement.program else None,
            "after": program.code if program else None,
        }
        announcement.program = program
    if not diff:
        return announcement
    announcement.save()
    if "regions" in diff:
        _set_targets(announcement)
    record(
        actor=actor,
        event_type="notices.announcement_updated",
        subject=announcement,
        details={"changes": diff},
    )
    return announcement


@transaction.atomic
def announcement_publish(*, announcement: Announcement, actor: Actor) -> Announcement:
    """Publish a draft: it shows from ``publish_at`` and every matching subscriber is told (once)."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    _require_author(actor, list(announcement.regions))
    if announcement.state != Announcement.State.DRAFT:
        raise NoticeError(_("Only a draft can be published."), code="notices.not_draft")
    now = timezone.now()
    if announcement.expires_at is not None and announcement.expires_at <= now:
        raise NoticeError(_("This announcement has already expired."), code="notices.expired")
    announcement.state = Announcement.State.PUBLISHED
    announcement.published_at = now
    announcement.save(update_fields=["state", "published_at", "updated_at"])
    record(
        actor=actor,
        event_type="notices.announcement_published",
        subject=announcement,
        details={"regions": list(announcement.regions), "publish_at": announcement.publish_at.isoformat()},
    )
    broadcast_create(
        source=f"announcement:{announcement.pk}",
        subject=announcement.title,
        body=announcement.body,
        link=reverse("notices:detail", args=[announcement.pk]),
        regions=list(announcement.regions),
        program=announcement.program,
        announcement=announcement,
        run_after=announcement.publish_at,
        actor=actor,
    )
    return announcement


@transaction.atomic
def announcement_withdraw(*, announcement: Announcement, actor: Actor) -> Announcement:
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    _require_author(actor, list(announcement.regions))
    if announcement.state != Announcement.State.PUBLISHED:
        raise NoticeError(_("Only a published announcement can be withdrawn."), code="notices.not_published")
    announcement.state = Announcement.State.WITHDRAWN
    announcement.save(update_fields=["state", "updated_at"])
    record(actor=actor, event_type="notices.announcement_withdrawn", subject=announcement, details={})
    return announcement


# --- broadcasts ----------------------------------------------------------------------------------------


def broadcast_create(
    *,
    source: str,
    subject: str,
    body: str,
    link: str,
    regions: list[str],
    program: Program | None,
    actor: Actor,
    announcement: Announcement | None = None,
    period: Period | None = None,
    run_after: datetime.datetime | None = None,
) -> Broadcast | None:
    """Create the broadcast for ``source`` and start its fan-out on commit; None when ``source`` was
    already broadcast (publishing or opening twice sends nothing twice)."""
    try:
        with transaction.atomic():
            broadcast = Broadcast.objects.create(
                source=source,
                subject=subject[:200],
                body=body,
                link=link,
                regions=regions,
                program=program,
                announcement=announcement,
                period=period,
            )
    except IntegrityError:
        return None
    record(actor=actor, event_type="notices.broadcast_queued", subject=broadcast, details={"source": source})
    fanout.enqueue_start(broadcast, run_after=run_after)
    return broadcast


def broadcast_period_opened(*, period: Period, actor: Actor) -> Broadcast | None:
    """Tell the program's subscribers (all regions) that a disbursement period opened."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(
            _("%(program)s: disbursement period %(label)s is open")
            % {"program": period.program.code, "label": period.label}
        )
        body = str(
            _(
                "The %(program)s disbursement period %(label)s (%(start)s to %(end)s) is now open. Check "
                "whether your household is included on the Cek Bansos page; payments are made through the "
                "channel shown there."
            )
            % {
                "program": period.program.name,
                "label": period.label,
                "start": period.starts_on.isoformat(),
                "end": period.ends_on.isoformat(),
            }
        )
    return broadcast_create(
        source=f"period:{period.pk}:open",
        subject=subject,
        body=body,
        link=reverse("lookup:index"),
        regions=[],
        program=period.program,
        period=period,
        actor=actor,
    )


# --- subscriptions -------------------------------------------------------------------------------------


def _clean_target(region_code: str, program: Program | None) -> str:
    region_code = (region_code or "").strip()
    if region_code and not region_exists(region_code):
        raise NoticeError(
            _("Unknown region code '%(region)s'. Use a Kemendagri code of 2, 4, 6 or 10 digits."),
            code="notices.unknown_region",
            region=region_code[:20],
        )
    if program is not None and not program.active:
        raise NoticeError(_("This program is not active."), code="notices.inactive_program")
    return region_code


def _key(channel: str, address: str, region_code: str, program: Program | None) -> str:
    return f"{channel}:{address}:{region_code}:{program.pk if program else ''}"[:200]


def _new_token() -> str:
    return secrets.token_urlsafe(24)


@task()
def send_confirmation(*, subscription_id: int) -> int:
    subscription = Subscription.objects.select_related("program").get(pk=subscription_id)
    if subscription.state != Subscription.State.PENDING:
        return 0
    site = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "s": subscription,
            "confirm": site + reverse("notices:confirm", args=[subscription.token]),
            "unsubscribe": site + reverse("notices:unsubscribe", args=[subscription.token]),
            "region": subscription.region_code,
        }
        subject = str(_("Confirm your Bansos news subscription"))
        body = render_to_string("notices/email/confirm.txt", context)
    return send_mail(subject, body, None, [subscription.email])


@transaction.atomic
def subscription_create_email(
    *, email: str, region_code: str = "", program: Program | None = None, actor: Actor = PUBLIC
) -> Subscription:
    """Subscribe ``email`` (pending until the link in the confirmation e-mail is opened). Subscribing
    again to the same thing re-sends the confirmation of a pending subscription and changes nothing else."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise NoticeError(
            _("Enter a valid e-mail address, e.g. nama@contoh.id."), code="notices.bad_email"
        ) from exc
    region_code = _clean_target(region_code, program)
    key = _key(Channel.EMAIL, email, region_code, program)
    existing = Subscription.objects.exclude(state=Subscription.State.UNSUBSCRIBED).filter(key=key).first()
    if existing is not None:
        if existing.state == Subscription.State.PENDING:
            pk = existing.pk
            transaction.on_commit(lambda: send_confirmation.enqueue(subscription_id=pk))
        return existing
    subscription = Subscription.objects.create(
        channel=Channel.EMAIL,
        email=email,
        region_code=region_code,
        program=program,
        token=_new_token(),
        key=key,
    )
    record(
        actor=actor,
        event_type="notices.subscription_created",
        subject=subscription,
        details={"channel": "email", "region": region_code, "program": program.code if program else None},
    )
    pk = subscription.pk
    transaction.on_commit(lambda: send_confirmation.enqueue(subscription_id=pk))
    return subscription


@transaction.atomic
def subscription_create_for_user(
    *, user: Any, channel: str, region_code: str = "", program: Program | None = None, phone: str = ""
) -> Subscription:
    """Subscribe a logged-in user by SMS (to ``phone`` or the account's phone), web push or the in-app
    inbox; active at once (the account is the proof of who asks)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to subscribe by SMS or push."), code="notices.login_required")
    if channel not in (Channel.SMS, Channel.PUSH, Channel.INBOX, Channel.EMAIL):
        raise NoticeError(_("Unknown channel."), code="notices.bad_channel")
    region_code = _clean_target(region_code, program)
    address = str(user.pk)
    email = ""
    if channel == Channel.SMS:
        phone = re.sub(r"[\s\-.()]", "", phone or getattr(user, "phone", "") or "")
        if not PHONE_RE.match(phone):
            raise NoticeError(
                _("Enter the mobile number as digits, e.g. 081234567890."), code="notices.bad_phone"
            )
        address = phone
    elif channel == Channel.EMAIL:
        email = (user.email or "").lower()
        if not email:
            raise NoticeError(_("Your account has no e-mail address."), code="notices.no_email")
        return subscription_create_email(email=email, region_code=region_code, program=program, actor=user)
    key = _key(channel, address, region_code, program)
    existing = Subscription.objects.exclude(state=Subscription.State.UNSUBSCRIBED).filter(key=key).first()
    if existing is not None:
        return existing
    subscription = Subscription.objects.create(
        channel=channel,
        user=user,
        phone=phone if channel == Channel.SMS else "",
        email=email,
        region_code=region_code,
        program=program,
        state=Subscription.State.ACTIVE,
        confirmed_at=timezone.now(),
        token=_new_token(),
        key=key,
    )
    record(
        actor=user,
        event_type="notices.subscription_created",
        subject=subscription,
        details={"channel": channel, "region": region_code, "program": program.code if program else None},
    )
    return subscription


def _by_token(token: str) -> Subscription:
    subscription = (
        Subscription.objects.select_for_update().filter(token=token[:43]).first() if token else None
    )
    if subscription is None:
        raise NoticeError(_("This link is not valid. It may have been mistyped."), code="notices.bad_token")
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    subscription = _by_token(token)
    if subscription.state == Subscription.State.UNSUBSCRIBED:
        raise NoticeError(_("This subscription was cancelled. Subscribe again."), code="notices.unsubscribed")
    if subscription.state == Subscription.State.PENDING:
        subscription.state = Subscription.State.ACTIVE
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["state", "confirmed_at"])
        record(actor=PUBLIC, event_type="notices.subscription_confirmed", subject=subscription, details={})
    return subscription


@transaction.atomic
def subscription_unsubscribe(*, token: str) -> Subscription:
    """Cancel the subscription (idempotent: a second click changes nothing)."""
    subscription = _by_token(token)
    if subscription.state != Subscription.State.UNSUBSCRIBED:
        before = subscription.state
        subscription.state = Subscription.State.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["state", "unsubscribed_at"])
        record(
            actor=PUBLIC,
            event_type="notices.subscription_cancelled",
            subject=subscription,
            details={"before": before},
        )
    return subscription


# --- web push ------------------------------------------------------------------------------------------


@transaction.atomic
def push_subscription_save(*, user: Any, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Store (or move to ``user``) a browser's push endpoint from PushManager.subscribe()."""
    endpoint, p256dh, auth = (endpoint or "").strip(), (p256dh or "").strip(), (auth or "").strip()
    if not endpoint.startswith("https://") or len(endpoint) > 1000:
        raise NoticeError(_("The push endpoint must be an https address."), code="notices.bad_endpoint")
    if not (
        re.fullmatch(r"[A-Za-z0-9_\-=]{40,200}", p256dh) and re.fullmatch(r"[A-Za-z0-9_\-=]{8,100}", auth)
    ):
        raise NoticeError(_("The push keys are missing or malformed."), code="notices.bad_keys")
    device, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "last_error": ""}
    )
    if created:
        record(actor=user, event_type="notices.push_registered", subject=device, details={})
    return device


@transaction.atomic
def push_subscription_delete(*, user: Any, endpoint: str) -> int:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=(endpoint or "").strip()).delete()
    if deleted:
        record(
            actor=user,
            event_type="notices.push_removed",
            subject=("notices.pushsubscription", "-"),
            details={},
        )
    return deleted
