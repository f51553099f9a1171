"""Editor and publisher groups, and the GIN index for full-text search (PostgreSQL only)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRACKER_MODELS = {
    "agreements": [
        "party",
        "person",
        "agreement",
        "agreementparty",
        "signature",
        "agreementmineral",
        "source",
        "relatedagreement",
    ],
    "minerals": ["mineral", "mineralalias", "minerallist", "minerallistentry"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(actions):
        return [
            Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
            for app, models in TRACKER_MODELS.items()
            for model in models
            for action in actions
        ]

    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.set(perms(["view", "add", "change"]))
    publishers, _ = Group.objects.get_or_create(name="publishers")
    publish = Permission.objects.get(
        content_type__app_label="agreements", codename="publish_agreement"
    )
    publishers.permissions.set(perms(["view", "add", "change", "delete"]) + [publish])


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["editors", "publishers"]).delete()


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS agreement_search_vector_gin "
            "ON agreements_agreement USING gin (search_vector)"
        )
        # The default ordering; SQLite cannot declare NULLS LAST in an index.
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS agreement_signed_desc_slug "
            "ON agreements_agreement (signed_on DESC NULLS LAST, slug)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS agreement_search_vector_gin")
        schema_editor.execute("DROP INDEX IF EXISTS agreement_signed_desc_slug")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_initial"),
        ("minerals", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_groups, remove_groups),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
