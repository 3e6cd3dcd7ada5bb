"""Fan-out throughput: one announcement to N synthetic subscribers, against writing the same messages
directly in one loop, measured in the same run.

    .venv/bin/python bench/fanout.py --subscribers 1000000

On its own database (default PostgreSQL postgres://postgres@127.0.0.1:5432/bansos_issue8_bench, created
and migrated if missing; ``--sqlite`` uses a temporary SQLite file instead) it loads N active e-mail
subscriptions (COPY on PostgreSQL), then times:

(a) ours: ``broadcast_start`` through Django's Tasks API (immediate backend, so the batches run in this
    process): split the matching subscriptions into batches of NOTICES_BATCH_SIZE, and per batch read the
    recipients, claim them (bulk INSERT of Delivery rows, ON CONFLICT DO NOTHING), render the message once,
    send every message through one e-mail connection, mark them sent (one UPDATE);
(b) baseline: the same N messages (same subject, body, unsubscribe link and List-Unsubscribe headers),
    built from an in-memory list and written through the same e-mail backend over one connection, in one
    loop: no database, no log, no task.

E-mail goes to Django's file backend in a temporary folder (``--backend console`` writes to /dev/null
through the console backend instead). Prints messages/s of both and the ratio ours/baseline (target
>= 0.5); checks every subscriber got exactly one Delivery row and the backend wrote N messages. Test
settings (fixed throw-away keys) are used: the addresses are synthetic.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="bansos_issue8_bench")
    parser.add_argument("--sqlite", action="store_true", help="use a temporary SQLite database")
    parser.add_argument("--backend", choices=["file", "console"], default="file")
    parser.add_argument("--batch", type=int, default=1000, help="NOTICES_BATCH_SIZE")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--baseline-first", action="store_true", help="time the baseline before ours")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bansos-fanout-"))
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        import psycopg

        with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database]).fetchone():
                admin.execute(f'CREATE DATABASE "{args.database}"')
        os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django
    from django.conf import settings

    django.setup()
    import logging

    logging.getLogger("django_tasks").setLevel(logging.WARNING)

    from django.core.mail import EmailMessage, get_connection
    from django.core.management import call_command
    from django.db import connection

    from bansos.notices import fanout
    from bansos.notices.channels import UNSUBSCRIBE_MARK
    from bansos.notices.models import Broadcast, Delivery, Subscription

    outbox = folder / "mail"
    outbox.mkdir()
    settings.NOTICES_BATCH_SIZE = args.batch
    settings.SITE_URL = "https://bansos.example"
    settings.EMAIL_FILE_PATH = str(outbox)
    devnull = open(os.devnull, "w")  # noqa: SIM115
    if args.backend == "file":
        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        backend_kwargs: dict[str, Any] = {}
    else:
        settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
        backend_kwargs = {"stream": devnull}
        # fan-out connections get the same stream
        from django.core.mail.backends import console

        original_init = console.EmailBackend.__init__

        def init(self: Any, *a: Any, **kw: Any) -> None:
            kw.setdefault("stream", devnull)
            original_init(self, *a, **kw)

        console.EmailBackend.__init__ = init  # type: ignore[method-assign]

    call_command("migrate", verbosity=0)
    n = args.subscribers
    print(f"database: {connection.vendor}; backend: {args.backend}; batch: {args.batch}; subscribers: {n:,}")

    # --- data ---------------------------------------------------------------------------------------------
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE notices_delivery, notices_broadcast, notices_subscription CASCADE")
    else:
        Delivery.objects.all()._raw_delete(Delivery.objects.db)
        Broadcast.objects.all()._raw_delete(Broadcast.objects.db)
        Subscription.objects.all()._raw_delete(Subscription.objects.db)
    started = time.perf_counter()
    rows = [(f"warga{i}@example.id", secrets.token_urlsafe(24)) for i in range(n)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY notices_subscription "
                "(channel, email, phone, region_code, state, token, key, created_at) FROM STDIN"
            ) as copy:
                for email, token in rows:
                    copy.write_row(
                        ("email", email, "", "", "active", token, f"email:{email}::", "2026-01-01")
                    )
            cursor.execute("VACUUM ANALYZE notices_subscription")
            cursor.execute("VACUUM ANALYZE notices_delivery")
            cursor.execute("CHECKPOINT")
    else:
        Subscription.objects.bulk_create(
            (
                Subscription(channel="email", email=e, state="active", token=t, key=f"email:{e}::")
                for e, t in rows
            ),
            batch_size=5000,
        )
    print(f"loaded {n:,} subscriptions in {time.perf_counter() - started:.1f} s")
    recipients = list(Subscription.objects.order_by("id").values_list("email", "token"))

    broadcast = Broadcast.objects.create(
        source="bench:1",
        subject="Penyaluran PKH tahap 1 dibuka",
        body="Penyaluran PKH tahap 1 (JAN-MAR 2026) dibuka. Periksa status keluarga Anda di Cek Bansos.",
        link="/berita/1/",
        regions=[],
    )
    message = fanout.render(broadcast)

    def run_ours() -> float:
        """(a) the fan-out through the Tasks API."""
        gc.collect()
        started = time.perf_counter()
        fanout.broadcast_start.enqueue(broadcast_id=broadcast.pk)
        elapsed = time.perf_counter() - started
        sent = Delivery.objects.filter(broadcast=broadcast, status="sent").count()
        assert sent == n, f"{sent} deliveries sent, expected {n}"
        return elapsed

    def run_baseline() -> float:
        """(b) the same messages in one loop, no database."""
        gc.collect()
        started = time.perf_counter()
        conn = get_connection(**backend_kwargs)
        conn.open()
        base = message.unsubscribe_base
        chunk: list[EmailMessage] = []
        for email, token in recipients:
            url = f"{base}{token}/"
            chunk.append(
                EmailMessage(
                    subject=message.subject,
                    body=message.body.replace(UNSUBSCRIBE_MARK, url),
                    to=[email],
                    connection=conn,
                    headers={
                        "List-Unsubscribe": f"<{url}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
            )
            if len(chunk) == args.batch:
                conn.send_messages(chunk)
                chunk = []
        if chunk:
            conn.send_messages(chunk)
        conn.close()
        return time.perf_counter() - started

    times: dict[str, float] = {}
    order = [("baseline", run_baseline), ("ours", run_ours)]
    if not args.baseline_first:
        order.reverse()
    for name, run in order:
        times[name] = run()
        if args.backend == "file":
            written = _count(outbox)
            assert written == n, f"{name}: {written} messages written, expected {n}"
        shutil.rmtree(outbox)
        outbox.mkdir()
    ours, baseline = times["ours"], times["baseline"]
    print(f"ours:     {n / ours:10,.0f} messages/s ({ours:.1f} s)")
    print(f"baseline: {n / baseline:10,.0f} messages/s ({baseline:.1f} s) [one loop, no DB]")
    print(f"ratio ours/baseline: {baseline / ours:.2f} (target >= 0.5)")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    devnull.close()
    return 0


def _count(outbox: Path) -> int:
    """Messages written by the file backend (each ends with a line of 79 dashes)."""
    separator = b"\n" + b"-" * 79 + b"\n"
    total = 0
    for path in outbox.iterdir():
        with path.open("rb") as handle:
            buffer = io.BufferedReader(handle, 1 << 20)
            total += buffer.read().count(separator)
    return total


if __name__ == "__main__":
    sys.exit(main())
