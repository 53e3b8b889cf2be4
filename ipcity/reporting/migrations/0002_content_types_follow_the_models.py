# The content types (and so the permissions and anything that points at them) of the models that moved from
# the plan app are relabelled plan → reporting, so that they are the same rows as before (ADR 0025). On a new
# database there are none yet (contenttypes creates them after migrate): nothing to do.

from django.db import migrations

MODELS = ("reportingperiod", "progressreport", "reportevidence", "reportevent", "reportreminder")


def relabel(apps, schema_editor, old="plan", new="reporting"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        moved = ContentType.objects.using(db).filter(app_label=old, model=model)
        if not moved.exists():
            continue
        # A row under the new label can only be one contenttypes made in a run that stopped before this
        # migration; it has nothing pointing at it yet, so the old row (with the permissions) wins.
        ContentType.objects.using(db).filter(app_label=new, model=model).delete()
        moved.update(app_label=new)


def relabel_back(apps, schema_editor):
    relabel(apps, schema_editor, old="reporting", new="plan")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(relabel, relabel_back),
    ]
