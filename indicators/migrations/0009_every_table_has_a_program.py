import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Required once 0008 has filled it in (a separate transaction: PostgreSQL refuses to
    alter a table with the deferred foreign-key checks of that update still pending)."""

    dependencies = [
        ("indicators", "0008_tables_under_a_program"),
    ]

    operations = [
        migrations.AlterField(
            model_name="indicatortable",
            name="program",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="indicator_tables",
                to="programs.program",
                verbose_name="programma",
            ),
        ),
    ]
