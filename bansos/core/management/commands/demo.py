"""Prepare the local demo: database schema, real regions, a synthetic population and demo accounts.
Safe to run again: every step is idempotent and skips what is already there."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from bansos.accounts.demo import demo_officers
from bansos.accounts.models import User
from bansos.core.audit import Actor, SystemActor
from bansos.programs import services as program_services
from bansos.programs.enrolment import enrolment_run
from bansos.programs.models import Enrolment, EnrolmentRun, Period, Program, RankingRun
from bansos.programs.ranking import ranking_run
from bansos.regions.loader import regions_load
from bansos.regions.models import Village
from bansos.registry.models import Person, Provenance
from bansos.registry.synth import population_synthesize

DEMO_ACCOUNTS_FILE = "demo-accounts.txt"
DEMO_CITIZEN = "warga-demo"
DEMO_CITIZEN_PHONE = "6281200000000"


class Command(BaseCommand):
    help = "Migrate, load regions, synthesise a population and create demo accounts (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("command:demo")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database schema up to date")
        if Village.objects.count() != 83_762:
            result = regions_load(actor=actor)
            self.stdout.write(f"regions loaded: {result.villages} villages")
        existing = Person.objects.filter(provenance=Provenance.SYNTHETIC).count()
        if existing >= options["people"]:
            self.stdout.write(f"synthetic population present: {existing} people")
        else:
            counts = population_synthesize(
                people=options["people"], seed=options["seed"], actor=actor, progress=True
            )
            self.stdout.write(f"synthetic population written: {counts}")
        self._programs(actor)
        self._demo_accounts()
        self._demo_citizen()

    def _programs(self, actor: Actor) -> None:
        """Rank the registry once, then open and enrol the current period of every active program."""
        if not RankingRun.objects.filter(status=RankingRun.Status.COMPLETED).exists():
            run = ranking_run(actor=actor)
            self.stdout.write(f"ranking: {run.households_ranked} households scored and placed in deciles")
        today = timezone.localdate()
        for program in Program.objects.filter(active=True).order_by("code"):
            program_services.periods_plan_year(program=program, year=today.year, actor=actor)
            period = Period.objects.get(program=program, starts_on__lte=today, ends_on__gte=today)
            if period.state == Period.State.PLANNED:
                period = program_services.period_transition(period=period, to=Period.State.OPEN, actor=actor)
            if not EnrolmentRun.objects.filter(period=period).exists():
                result = enrolment_run(period=period, actor=actor)
                self.stdout.write(
                    f"{program.code} {period.label}: {result.enrolled} households enrolled, "
                    f"{result.excluded} excluded"
                )

    def _demo_citizen(self) -> None:
        """A verified citizen account linked to the head of an enrolled household (signs in by phone)."""
        from django.utils.crypto import get_random_string

        if User.objects.filter(username=DEMO_CITIZEN).exists():
            return
        enrolled = Enrolment.objects.filter(status=Enrolment.Status.ENROLLED).values("household_id")
        heads = Person.objects.filter(
            relationship=Person.Relationship.HEAD, deceased_date__isnull=True, account__isnull=True
        )
        person = (
            heads.filter(household_id__in=enrolled).order_by("id").first() or heads.order_by("id").first()
        )
        if person is None:
            return
        password = get_random_string(16)
        User.objects.create_user(
            username=DEMO_CITIZEN,
            password=password,
            phone=DEMO_CITIZEN_PHONE,
            first_name=person.full_name,
            person=person,
        )
        path = settings.VAR_DIR / DEMO_ACCOUNTS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            handle.write(
                f"citizen ({person.full_name}): phone 0{DEMO_CITIZEN_PHONE[2:]}, password {password}\n"
            )
        path.chmod(0o600)
        self.stdout.write(f"demo citizen: phone 0{DEMO_CITIZEN_PHONE[2:]} / {password} (/akun/masuk/)")

    def _demo_accounts(self) -> None:
        path = settings.VAR_DIR / DEMO_ACCOUNTS_FILE
        if User.objects.filter(username="admin").exists() and path.exists():
            self.stdout.write(f"demo accounts: see {path}")
            return
        lines = demo_officers(actor=SystemActor("command:demo"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o600)
        self.stdout.write(f"demo accounts written to {path}:")
        for line in lines:
            self.stdout.write(f"  {line}")
