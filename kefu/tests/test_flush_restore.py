"""The test-only shortcuts of conftest.py for the flush after each transactional test: every table ends empty
(_postgres_flush_by_delete) and the content types and permissions put back from the snapshot (_fast_flush_restore)
are exactly the rows post_migrate itself would create."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal


def _rows():
    return (
        set(ContentType.objects.values_list("pk", "app_label", "model")),
        set(Permission.objects.values_list("content_type__app_label", "content_type__model", "codename", "name")),
    )


@pytest.mark.django_db(transaction=True)
def test_flush_restores_what_post_migrate_creates(make_staff):
    make_staff("agent", "supervisor")  # rows in the org tables, the auth tables and their many-to-many tables
    for _ in range(2):  # the first flush of a run may take the snapshot; the second is restored from it
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    restored_types, restored_perms = _rows()
    models = {
        m
        for model in apps.get_models()
        for m in (model, *(f.remote_field.through for f in model._meta.local_many_to_many))
    }
    left = {m._meta.db_table: m.objects.count() for m in models if m not in (ContentType, Permission)}
    assert not {table: n for table, n in left.items() if n}
    assert restored_types and restored_perms
    assert ContentType.objects.get_for_model(Permission).model == "permission"  # the cache answers the restored rows

    ContentType.objects.all().delete()  # and the permissions with them
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(0, False, "default")  # the real signal
    created_types, created_perms = _rows()
    assert {row[1:] for row in restored_types} == {row[1:] for row in created_types}
    assert restored_perms == created_perms
