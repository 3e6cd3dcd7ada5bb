"""Fan-out of a broadcast to its subscribers through Django's Tasks API.

``broadcast_start`` splits the matching subscriptions into id ranges of NOTICES_BATCH_SIZE and enqueues
one ``deliver_batch`` per range. A batch:

1. reads its recipients (one query),
2. claims them: inserts one Delivery row per recipient with a fresh claim token, ignoring conflicts with
   rows an earlier attempt wrote (unique broadcast x subscription), and, on a retry, re-claims the rows
   that earlier attempt marked failed (one UPDATE: only one attempt can win them),
3. sends only the rows carrying its own claim, through one connection per channel,
4. marks them sent or failed (two UPDATEs) and re-enqueues itself for the failures, with back-off, until
   NOTICES_MAX_ATTEMPTS.

So a retried or duplicated task never sends a message twice. The price is at-most-once: if a worker dies
between sending and step 4, its rows stay "claimed" and are not sent again (visible in the admin)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from bansos.notices.channels import UNSUBSCRIBE_MARK, Failure, Recipient, Rendered, get_channel
from bansos.notices.models import Broadcast, Delivery, Subscription
from bansos.notices.selectors import subscriptions_matching

RECIPIENT_FIELDS = ("id", "channel", "email", "phone", "user_id", "token")


def recipients_of(broadcast: Broadcast) -> Any:
    return subscriptions_matching(regions=list(broadcast.regions or []), program_id=broadcast.program_id)


def render(broadcast: Broadcast) -> Rendered:
    """The broadcast as every recipient gets it (in the site's default language), rendered once."""
    site = settings.SITE_URL.rstrip("/")
    from django.urls import reverse

    with translation.override(settings.LANGUAGE_CODE):
        url = f"{site}{broadcast.link}" if broadcast.link else f"{site}{reverse('notices:news')}"
        body = render_to_string(
            "notices/email/broadcast.txt", {"b": broadcast, "url": url, "unsubscribe": UNSUBSCRIBE_MARK}
        )
        return Rendered(
            subject=broadcast.subject,
            body=body,
            url=url,
            short=broadcast.subject,
            unsubscribe_base=f"{site}{reverse('notices:unsubscribe', args=['x'])[:-2]}",
        )


def enqueue_start(broadcast: Broadcast, *, run_after: datetime.datetime | None = None) -> None:
    """Start the fan-out when the current transaction commits (at ``run_after`` when the task backend can
    defer; otherwise now)."""
    pk = broadcast.pk

    def start() -> None:
        starter = broadcast_start
        if run_after is not None and run_after > timezone.now() and starter.get_backend().supports_defer:
            starter = starter.using(run_after=run_after)
        starter.enqueue(broadcast_id=pk)

    transaction.on_commit(start)


@task()
def broadcast_start(*, broadcast_id: int) -> int:
    """Split the recipients into batches and enqueue them; returns the number of batches. Runs once per
    broadcast (a second run finds it no longer queued)."""
    if not Broadcast.objects.filter(pk=broadcast_id, state=Broadcast.State.QUEUED).update(
        state=Broadcast.State.SENDING
    ):
        return 0
    broadcast = Broadcast.objects.get(pk=broadcast_id)
    size = settings.NOTICES_BATCH_SIZE
    ranges: list[tuple[int, int]] = []
    first = last = None
    count = 0
    for pk in (
        recipients_of(broadcast).order_by("id").values_list("id", flat=True).iterator(chunk_size=20_000)
    ):
        if first is None:
            first = pk
        last = pk
        count += 1
        if count == size:
            ranges.append((first, last))
            first, count = None, 0
    if first is not None and last is not None:
        ranges.append((first, last))
    Broadcast.objects.filter(pk=broadcast_id).update(batches=len(ranges))
    if not ranges:
        Broadcast.objects.filter(pk=broadcast_id).update(
            state=Broadcast.State.DONE, finished_at=timezone.now()
        )
    for low, high in ranges:
        deliver_batch.enqueue(broadcast_id=broadcast_id, first_id=low, last_id=high, attempt=1)
    return len(ranges)


CLAIM_CHUNK = 1000  # rows per INSERT statement on SQLite (stays under its variable limit)


def _claim(broadcast_id: int, rows: list[Any], claim: str, now: datetime.datetime) -> set[int] | None:
    """Insert one Delivery row per recipient with ``claim``; rows an earlier attempt wrote stay as they
    are. On PostgreSQL and SQLite one INSERT ... ON CONFLICT DO NOTHING RETURNING per chunk gives the
    subscriptions this call won; on other databases None (the caller selects them by claim)."""
    table = Delivery._meta.db_table
    columns = "(broadcast_id, subscription_id, channel, status, claim, attempts, error, updated_at)"
    conflict = "ON CONFLICT (broadcast_id, subscription_id) DO NOTHING RETURNING subscription_id"
    stamp = connection.ops.adapt_datetimefield_value(now)
    claimed = str(Delivery.Status.CLAIMED)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} {columns} "  # noqa: S608  (names from the model; values as parameters)
                "SELECT %s, t.s, t.c, %s, %s, 1, '', %s FROM unnest(%s::bigint[], %s::text[]) AS t(s, c) "
                + conflict,
                [broadcast_id, claimed, claim, stamp, [r[0] for r in rows], [r[1] for r in rows]],
            )
            return {row[0] for row in cursor.fetchall()}
    if connection.vendor == "sqlite":
        won: set[int] = set()
        with connection.cursor() as cursor:
            for start in range(0, len(rows), CLAIM_CHUNK):
                chunk = rows[start : start + CLAIM_CHUNK]
                values = ", ".join(["(%s, %s, %s, %s, %s, 1, '', %s)"] * len(chunk))
                params = [v for r in chunk for v in (broadcast_id, r[0], r[1], claimed, claim, stamp)]
                cursor.execute(f"INSERT INTO {table} {columns} VALUES {values} {conflict}", params)  # noqa: S608
                won.update(row[0] for row in cursor.fetchall())
        return won
    Delivery.objects.bulk_create(
        [
            Delivery(
                broadcast_id=broadcast_id, subscription_id=r[0], channel=r[1], claim=claim, updated_at=now
            )
            for r in rows
        ],
        ignore_conflicts=True,
        batch_size=CLAIM_CHUNK,
    )
    return None


def claim_and_send(broadcast: Broadcast, first_id: int, last_id: int, *, attempt: int = 1) -> dict[str, int]:
    """Steps 1-4 above for the recipients with ids in [first_id, last_id]; returns counts."""
    rows = list(
        recipients_of(broadcast).filter(id__gte=first_id, id__lte=last_id).values_list(*RECIPIENT_FIELDS)
    )
    claim = uuid.uuid4().hex
    now = timezone.now()
    claimed = _claim(broadcast.pk, rows, claim, now)
    # Rows of this batch carrying this attempt's claim: found through the unique (broadcast, subscription)
    # index by the batch's id range.
    ours = Delivery.objects.filter(
        broadcast_id=broadcast.pk, subscription_id__gte=first_id, subscription_id__lte=last_id, claim=claim
    )
    if attempt > 1:  # re-claim what an earlier attempt failed to send (one UPDATE: one attempt wins)
        Delivery.objects.filter(
            broadcast_id=broadcast.pk,
            subscription_id__gte=first_id,
            subscription_id__lte=last_id,
            status=Delivery.Status.FAILED,
        ).update(claim=claim, status=Delivery.Status.CLAIMED, attempts=F("attempts") + 1, updated_at=now)
        claimed = None
    mine = claimed if claimed is not None else set(ours.values_list("subscription_id", flat=True))
    by_channel: dict[str, list[Recipient]] = {}
    for pk, channel, email, phone, user_id, token in rows:
        if pk in mine:
            by_channel.setdefault(channel, []).append(Recipient(pk, email, phone, user_id, token))
    message = render(broadcast)
    failures: dict[int, Failure] = {}
    for channel, recipients in by_channel.items():
        try:
            failures.update(get_channel(channel).send(message, recipients))
        except LookupError:
            failures.update(
                {r.subscription_id: Failure(f"no channel {channel}", permanent=True) for r in recipients}
            )
    done = timezone.now()
    mine_rows = ours.filter(status=Delivery.Status.CLAIMED)
    sent = mine_rows.exclude(subscription_id__in=list(failures)).update(
        status=Delivery.Status.SENT, updated_at=done
    )
    final = attempt >= settings.NOTICES_MAX_ATTEMPTS
    retry = 0
    for error in sorted({f.error for f in failures.values()}):
        for permanent in (False, True):
            ids = [sid for sid, f in failures.items() if f.error == error and f.permanent == permanent]
            if not ids:
                continue
            gives_up = permanent or final
            status = Delivery.Status.GAVE_UP if gives_up else Delivery.Status.FAILED
            mine_rows.filter(subscription_id__in=ids).update(
                status=status, error=error[:255], updated_at=done
            )
            retry += 0 if gives_up else len(ids)
    return {
        "recipients": len(rows),
        "claimed": len(mine),
        "sent": sent,
        "failed": len(failures),
        "retry": retry,
    }


@task()
def deliver_batch(*, broadcast_id: int, first_id: int, last_id: int, attempt: int = 1) -> dict[str, int]:
    broadcast = Broadcast.objects.get(pk=broadcast_id)
    counts = claim_and_send(broadcast, first_id, last_id, attempt=attempt)
    if counts["retry"]:
        retry = deliver_batch
        if retry.get_backend().supports_defer:
            delay = settings.NOTICES_RETRY_SECONDS * 2 ** (attempt - 1)
            retry = retry.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
        retry.enqueue(broadcast_id=broadcast_id, first_id=first_id, last_id=last_id, attempt=attempt + 1)
    else:
        # One UPDATE: count the batch, and the last one marks the broadcast done.
        last = Q(batches_done__gte=F("batches") - 1, state=Broadcast.State.SENDING)
        Broadcast.objects.filter(pk=broadcast_id).update(
            batches_done=F("batches_done") + 1,
            state=Case(When(last, then=Value(Broadcast.State.DONE)), default=F("state")),
            finished_at=Case(When(last, then=Value(timezone.now())), default=F("finished_at")),
        )
    return counts


def broadcast_counts(broadcast: Broadcast) -> dict[str, int]:
    from django.db.models import Count

    return dict(
        Delivery.objects.filter(broadcast=broadcast).values_list("status").annotate(n=Count("id")).order_by()
    )


__all__ = ["Subscription", "broadcast_start", "claim_and_send", "deliver_batch", "enqueue_start", "render"]
