"""Existing databases: the default exclusion rules for deceased and ASN/TNI/Polri also hold when the
household carries the flag a cross-check raised (as bansos.programs.defaults seeds new databases).
Only rules still equal to the old default are changed; edited rules are left alone."""

from django.db import migrations

GROUNDS = ("deceased", "civil_servant", "military", "police")


def forwards(apps, schema_editor):
    from bansos.programs import defaults

    Rule = apps.get_model("programs", "Rule")
    new = {reason: expression for reason, _name, expression in defaults.EXCLUSIONS if reason in GROUNDS}
    for rule in Rule.objects.filter(kind="exclusion", reason__in=GROUNDS):
        target = new.get(rule.reason)
        if not target or rule.expression == target:
            continue
        if rule.expression == target["any"][0]:
            rule.expression = target
            rule.save(update_fields=["expression"])


def backwards(apps, schema_editor):
    from bansos.programs import defaults

    Rule = apps.get_model("programs", "Rule")
    new = {reason: expression for reason, _name, expression in defaults.EXCLUSIONS if reason in GROUNDS}
    for rule in Rule.objects.filter(kind="exclusion", reason__in=GROUNDS):
        target = new.get(rule.reason)
        if target and rule.expression == target:
            rule.expression = target["any"][0]
            rule.save(update_fields=["expression"])


class Migration(migrations.Migration):

    dependencies = [
        ("linkage", "0001_initial"),
        ("programs", "0002_seed_defaults"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
