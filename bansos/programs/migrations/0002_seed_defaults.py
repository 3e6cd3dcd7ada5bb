"""Seed the default programs (PKH, BPNT, PBI-JK, BLT), their 2026 periods, eligibility and exclusion rules
and the national PMT model. Everything is ordinary data afterwards (bansos.programs.defaults)."""

from django.db import migrations

from bansos.programs import defaults

YEAR = 2026


def seed(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Period = apps.get_model("programs", "Period")
    Rule = apps.get_model("programs", "Rule")
    PmtModel = apps.get_model("programs", "PmtModel")
    for spec in defaults.PROGRAMS:
        program, _created = Program.objects.get_or_create(code=spec["code"], defaults=spec)
        for plan in defaults.plan_periods(program.frequency, YEAR):
            Period.objects.get_or_create(program=program, year=YEAR, stage=plan["stage"], defaults=plan)
        if Rule.objects.filter(program=program).exists():
            continue
        for position, (reason, name, expression) in enumerate(defaults.ELIGIBILITY[program.code]):
            Rule.objects.create(
                program=program, kind="eligibility", reason=reason, name=name, expression=expression,
                position=position,
            )
        for position, (reason, name, expression) in enumerate(defaults.EXCLUSIONS):
            Rule.objects.create(
                program=program, kind="exclusion", reason=reason, name=name, expression=expression,
                position=position,
            )
    PmtModel.objects.get_or_create(
        version=defaults.DEFAULT_PMT_VERSION, defaults={"weights": defaults.DEFAULT_PMT_WEIGHTS}
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
