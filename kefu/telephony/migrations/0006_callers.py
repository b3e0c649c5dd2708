"""One row per calling number and center (Caller), referred to by the calls, instead of a Fernet token and a digest on
every call. Existing calls are moved over: their tokens are read with the public Fernet API (kefu.audit.crypto.decrypt,
any configured key), each distinct number of a center becomes one Caller (encrypted once, digest under the current
digest key) and its calls point at it."""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models

import kefu.audit.crypto

CHUNK = 20_000


def move_callers(apps, schema_editor):
    from kefu.audit.crypto import decrypt, digest

    Call = apps.get_model("telephony", "Call")
    Caller = apps.get_model("telephony", "Caller")
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    calls, _callers = qn(Call._meta.db_table), qn(Caller._meta.db_table)
    ids: dict[tuple[int, str], int] = {}  # (center, new digest) -> caller id
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, center_id, caller_number FROM {calls} WHERE id > %s AND caller_number <> '' "
                f"ORDER BY id LIMIT {CHUNK}",
                [last],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            updates = []
            for call_id, center_id, token in rows:
                number = decrypt(token)
                key = (center_id, digest(number))
                if key not in ids:
                    ids[key] = Caller.objects.create(
                        center_id=center_id, number=number, number_digest=key[1]
                    ).pk  # the field encrypts
                updates.append((ids[key], call_id))
            cursor.executemany(f"UPDATE {calls} SET caller_id = %s WHERE id = %s", updates)
            last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("telephony", "0005_one_call_index_by_time_and_agent"),
    ]

    operations = [
        migrations.CreateModel(
            name="Caller",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", kefu.audit.crypto.EncryptedTextField(blank=True, verbose_name="主叫号码")),
                (
                    "number_digest",
                    models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name="号码摘要"),
                ),
                ("destroyed_at", models.DateTimeField(blank=True, null=True, verbose_name="销毁时间")),
                (
                    "center",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="org.center",
                        verbose_name="中心",
                    ),
                ),
            ],
            options={
                "verbose_name": "主叫号码",
                "verbose_name_plural": "主叫号码",
                "constraints": [
                    models.UniqueConstraint(fields=("center", "number_digest"), name="caller_digest_unique_per_center")
                ],
            },
        ),
        migrations.AddField(
            model_name="call",
            name="caller",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="telephony.caller",
                verbose_name="主叫",
            ),
        ),
        migrations.RunPython(move_callers, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(
            model_name="call",
            name="caller_number",
        ),
        migrations.RemoveField(
            model_name="call",
            name="caller_digest",
        ),
        migrations.AddField(
            model_name="call",
            name="caller_digest",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.comparison.Cast("caller_id", models.CharField(max_length=20)),
                output_field=models.CharField(max_length=20, verbose_name="主叫标识"),
            ),
        ),
    ]
