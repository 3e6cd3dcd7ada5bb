"""PostgreSQL: leave room in each page of notices_delivery so that marking a row sent (status, error,
updated_at: no indexed column) is a HOT update that writes no index entries."""

from django.db import migrations


def fillfactor(apps, schema_editor, value: int = 70) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE notices_delivery SET (fillfactor = {int(value)})")


def reset(apps, schema_editor) -> None:
    fillfactor(apps, schema_editor, 100)


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(fillfactor, reset)]
