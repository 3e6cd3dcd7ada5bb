"""Citizen registration and its verification against the registry.

A registration is verified automatically when the NIK is in the registry and the KK number, the name (up
to spelling variants, bansos.registry.names and rapidfuzz) and the birth date all agree with that person's
record. Otherwise it waits in the verification queue of the region it belongs to, where an operator
verifies it (after comparing the KTP photo and the selfie) or refuses it with a reason."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.accounts.contacts import normalise_email, normalise_phone
from bansos.accounts.models import Registration, Role, User
from bansos.accounts.notifications import notify_user
from bansos.accounts.scoping import scope_require
from bansos.cases.uploads import discard, store_upload
from bansos.core import crypto
from bansos.core.audit import Actor, SystemActor, record
from bansos.core.errors import DomainError
from bansos.lookup.selectors import names_match
from bansos.registry import selectors as registry_selectors
from bansos.registry.identifiers import parse_kk, parse_nik
from bansos.registry.models import Person
from bansos.registry.names import clean_full_name

VERIFIER_ROLES = (Role.VILLAGE_OPERATOR, Role.DISTRICT, Role.DINSOS, Role.PROVINCE, Role.NATIONAL_ADMIN)
AUTO = SystemActor("auto-verification")
PHOTO_FOLDER = "accounts"


class RegistrationError(DomainError):
    code = "registration.invalid"


@dataclass
class Match:
    person: Person | None = None
    household_id: int | None = None
    region_code: str = ""
    mismatches: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return self.person is not None and not self.mismatches


def registry_match(*, nik: str, kk: str, full_name: str, birth_date: datetime.date) -> Match:
    """How the typed identity compares with the registry (``mismatches`` lists what disagrees)."""
    person = registry_selectors.person_by_nik(nik)
    if person is None:
        household = registry_selectors.household_by_kk(kk)
        return Match(
            household_id=household.pk if household else None,
            region_code=household.village_id if household else nik[:6],
            mismatches=["nik_not_found"],
        )
    mismatches = []
    if person.household.kk_index != crypto.blind_index(kk):
        mismatches.append("kk")
    if not names_match(full_name, person.name_key):
        mismatches.append("name")
    if person.birth_date != birth_date:
        mismatches.append("birth_date")
    if person.deceased_date is not None:
        mismatches.append("deceased")
    return Match(
        person=person, household_id=person.household_id, region_code=person.village_id, mismatches=mismatches
    )


def _contact(phone: str, email: str) -> tuple[str, str]:
    phone = normalise_phone(phone) if phone.strip() else ""
    email = normalise_email(email) if email.strip() else ""
    if not (phone or email):
        raise RegistrationError(
            _("Give a mobile number or an e-mail address (or both)."), code="registration.no_contact"
        )
    if phone and User.objects.filter(phone=phone, is_active=True).exists():
        raise RegistrationError(
            _("An account already uses this mobile number. Sign in, or reset your password."),
            code="registration.phone_taken",
        )
    if email and User.objects.filter(email__iexact=email, is_active=True).exists():
        raise RegistrationError(
            _("An account already uses this e-mail address. Sign in, or reset your password."),
            code="registration.email_taken",
        )
    return phone, email


def _nik_taken() -> RegistrationError:
    return RegistrationError(
        _("An account already exists for this NIK. Sign in, or reset your password."),
        code="registration.nik_taken",
    )


def _taken(message: str) -> RegistrationError:
    """The error for a unique constraint that failed (constraint or column name in the database message)."""
    if "phone" in message:
        return RegistrationError(
            _("An account already uses this mobile number. Sign in, or reset your password."),
            code="registration.phone_taken",
        )
    if "email" in message:
        return RegistrationError(
            _("An account already uses this e-mail address. Sign in, or reset your password."),
            code="registration.email_taken",
        )
    return _nik_taken()


def check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise RegistrationError(" ".join(exc.messages), code="registration.password_weak") from exc


def registration_submit(
    *,
    nik: str,
    kk: str,
    full_name: str,
    birth_date: datetime.date,
    password: str,
    ktp_photo: IO[bytes],
    selfie: IO[bytes],
    phone: str = "",
    email: str = "",
) -> Registration:
    """Create the citizen's account and registration; raise RegistrationError (or IdentifierError, or
    UploadError) with a message for the citizen, in which case nothing is created or stored."""
    nik = parse_nik(nik, birth_date=birth_date).nik
    kk = parse_kk(kk).kk
    full_name = clean_full_name(full_name)
    if not full_name:
        raise RegistrationError(_("Enter your full name as on the KTP."), code="registration.name_missing")
    phone, email = _contact(phone, email)
    check_password(password, User(email=email, first_name=full_name))
    nik_index = crypto.blind_index(nik)
    if Registration.objects.filter(nik_index=nik_index).exclude(status=Registration.Status.REFUSED).exists():
        raise _nik_taken()
    match = registry_match(nik=nik, kk=kk, full_name=full_name, birth_date=birth_date)
    if match.person is not None and User.objects.filter(person=match.person).exists():
        raise _nik_taken()
    limits = {
        "folder": PHOTO_FOLDER,
        "max_bytes": settings.ACCOUNTS_PHOTO_MAX_BYTES,
        "min_side": settings.ACCOUNTS_PHOTO_MIN_SIDE,
    }
    ktp = store_upload(ktp_photo, **limits)  # type: ignore[arg-type]
    stored = [ktp.path]
    try:
        stored.append(store_upload(selfie, **limits).path)  # type: ignore[arg-type]
        with transaction.atomic():
            user = User.objects.create_user(
                username=f"warga-{secrets.token_hex(6)}",
                password=password,
                email=email,
                phone=phone,
                first_name=full_name[:150],
                person=match.person if match.verified else None,
            )
            registration = Registration.objects.create(
                user=user,
                nik_encrypted=crypto.encrypt(nik),
                nik_index=nik_index,
                kk_encrypted=crypto.encrypt(kk),
                kk_index=crypto.blind_index(kk),
                full_name=full_name,
                birth_date=birth_date,
                ktp_photo=stored[0],
                selfie_photo=stored[1],
                status=Registration.Status.VERIFIED if match.verified else Registration.Status.PENDING,
                region_code=match.region_code,
                village_id=match.region_code if len(match.region_code) == 10 else None,
                person=match.person,
                household_id=match.household_id,
                mismatches=match.mismatches,
                decided_at=timezone.now() if match.verified else None,
            )
            record(
                actor=user,
                event_type="registration.submitted",
                subject=registration,
                details={"region_code": match.region_code, "mismatches": match.mismatches},
            )
            if match.verified:
                record(
                    actor=AUTO,
                    event_type="registration.verified",
                    subject=registration,
                    details={"auto": True},
                )
            _notify_outcome(registration)
    except IntegrityError as exc:  # a concurrent registration won the race for the NIK, phone or e-mail
        discard(stored)
        raise _taken(str(exc)) from exc
    except BaseException:
        discard(stored)
        raise
    return registration


def _notify_outcome(registration: Registration) -> None:
    status = registration.status
    title: Any
    body: Any
    if status == Registration.Status.VERIFIED:
        title = _("Your account is verified")
        body = _("Your account is linked to your household in the registry. You can now see your household.")
        url = reverse("accounts:household")
    elif status == Registration.Status.PENDING:
        title = _("Your registration is waiting for verification")
        body = _(
            "What you entered does not fully match the registry, so an officer of your village will check "
            "it. You will be told the result."
        )
        url = reverse("accounts:home")
    else:
        title = _("Your registration was refused")
        body = _("Reason: %(reason)s. You may register again with corrected data.") % {
            "reason": registration.refusal_reason
        }
        url = ""
    notify_user(user=registration.user, title=str(title), body=str(body), url=url)


def _pending(registration: Registration, actor: Actor) -> Registration:
    scope_require(actor, registration.region_code, roles=VERIFIER_ROLES, write=True)
    locked = Registration.objects.select_for_update().select_related("user").get(pk=registration.pk)
    if locked.status != Registration.Status.PENDING:
        raise RegistrationError(
            _("This registration has already been decided."), code="registration.already_decided"
        )
    return locked


def registration_verify(*, registration: Registration, actor: User) -> Registration:
    """An operator confirms the citizen's identity (after comparing the photos); the account is linked to
    the registry person with this NIK, when there is one and no other account has it."""
    with transaction.atomic():
        registration = _pending(registration, actor)
        person = registry_selectors.person_by_nik(registration.nik)
        if person is not None and User.objects.filter(person=person).exists():
            raise _nik_taken()
        registration.status = Registration.Status.VERIFIED
        registration.person = person
        registration.household_id = person.household_id if person else registration.household_id
        registration.decided_by = actor
        registration.decided_at = timezone.now()
        registration.save()
        user = registration.user
        user.person = person
        user.save(update_fields=["person"])
        record(
            actor=actor,
            event_type="registration.verified",
            subject=registration,
            details={"auto": False, "linked": person is not None},
        )
        _notify_outcome(registration)
    return registration


def registration_refuse(*, registration: Registration, actor: User, reason: str) -> Registration:
    """An operator refuses the registration with a reason (sent to the citizen). The account is closed,
    which frees the NIK, phone and e-mail for a corrected registration."""
    reason = reason.strip()
    if not reason:
        raise RegistrationError(_("Give the reason for the refusal."), code="registration.reason_missing")
    with transaction.atomic():
        registration = _pending(registration, actor)
        registration.status = Registration.Status.REFUSED
        registration.refusal_reason = reason
        registration.decided_by = actor
        registration.decided_at = timezone.now()
        registration.save()
        user = registration.user
        user.is_active = False
        user.save(update_fields=["is_active"])
        record(
            actor=actor, event_type="registration.refused", subject=registration, details={"reason": reason}
        )
        _notify_outcome(registration)
    return registration
