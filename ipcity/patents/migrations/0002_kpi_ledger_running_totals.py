# The KPI ledger keeps running totals per district key (0: none) so a KPI is one index seek per
# district and metric. The ledger is derived data: it is recreated empty and marked for rebuilding.

from django.db import migrations, models


def mark_dirty(apps, schema_editor):
    State = apps.get_model("patents", "KpiLedgerState")
    State.objects.update_or_create(id=1, defaults={"dirty": True})


class Migration(migrations.Migration):
    dependencies = [("patents", "0001_registry")]

    operations = [
        migrations.DeleteModel(name="KpiLedger"),
        migrations.CreateModel(
            name="KpiLedger",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("district_key", models.IntegerField()),
                ("on_date", models.DateField()),
                ("metric", models.CharField(max_length=10)),
                ("delta", models.IntegerField()),
                ("total", models.IntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["district_key", "metric", "on_date"], name="kpi_ledger_seek")],
            },
        ),
        migrations.RunPython(mark_dirty, migrations.RunPython.noop),
    ]
