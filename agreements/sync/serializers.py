"""Shapes of the history and changes-feed responses (documented in the schema)."""

from rest_framework import serializers


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Field name.")
    old = serializers.JSONField(allow_null=True, help_text="Value before.")
    new = serializers.JSONField(allow_null=True, help_text="Value after.")


class HistoryEntrySerializer(serializers.Serializer):
    """One write to an agreement, with what it changed."""

    version = serializers.IntegerField(
        help_text="Version id: the agreement's; for a write that changed only its "
        "commitments, the id of the first commitment version it wrote."
    )
    at = serializers.DateTimeField(help_text="When the write happened.")
    user = serializers.CharField(allow_null=True, help_text="Who wrote it; null for the system.")
    action = serializers.ChoiceField(
        choices=["created", "updated", "published", "unpublished", "deleted"],
        help_text="Kind of change.",
    )
    changes = FieldChangeSerializer(many=True, help_text="Fields of the agreement that changed.")
    collections = serializers.DictField(
        child=serializers.DictField(),
        help_text="Per nested collection (parties, signatures, minerals, sources, related, "
        "commitments): `added` and `removed` items and `changed` items (by key: a "
        "commitment's `key`) with their field changes.",
    )


class CommitmentHistoryEntrySerializer(serializers.Serializer):
    """One write to a commitment, with the fields it changed."""

    version = serializers.IntegerField(help_text="Version id (of the commitment).")
    at = serializers.DateTimeField(help_text="When the write happened.")
    user = serializers.CharField(allow_null=True, help_text="Who wrote it; null for the system.")
    action = serializers.ChoiceField(
        choices=["created", "updated", "published", "deleted"],
        help_text="Kind of change (`published`: for anonymous readers, the state it had "
        "when its agreement was published, recorded while that was a draft).",
    )
    changes = FieldChangeSerializer(
        many=True,
        help_text="Fields of the commitment that changed (`responsible_parties` as sorted "
        "party codes).",
    )


class ChangeEventSerializer(serializers.Serializer):
    """One change: which resource, what happened, when, and the cursor after it."""

    cursor = serializers.IntegerField(help_text="Resume from here: pass as `since`.")
    resource = serializers.ChoiceField(
        choices=["agreement", "party", "person", "mineral", "mineral-list", "commitment"],
        help_text="Kind of resource.",
    )
    key = serializers.CharField(help_text="Slug, code for parties, key for commitments.")
    action = serializers.ChoiceField(
        choices=["created", "updated", "deleted"], help_text="What happened to it."
    )
    at = serializers.DateTimeField(help_text="When.")


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeEventSerializer(many=True, help_text="Changes in order.")
    cursor = serializers.IntegerField(help_text="Cursor to resume from (last one returned).")
    next = serializers.URLField(
        allow_null=True, help_text="The next page, while this one is full; else null."
    )
