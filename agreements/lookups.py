"""Natural keys of reference data (party codes, mineral slugs) mapped to database ids,
cached under the data version, so validating a filter value costs no query once warm."""

from django.core.cache import cache

from minerals.models import Mineral

from .cache import data_version
from .models import Party

TIMEOUT = 3600


def party_ids() -> dict[str, int]:
    """Party code → id."""
    return cache.get_or_set(
        f"keys:party:{data_version()}",
        lambda: dict(Party.objects.values_list("code", "pk")),
        TIMEOUT,
    )


def mineral_ids() -> dict[str, tuple[int, tuple[int, ...]]]:
    """Mineral slug → (id, ids of its members), so a group expands without a query."""

    def build():
        rows = list(Mineral.objects.values_list("slug", "pk", "group_id"))
        members: dict[int, list[int]] = {}
        for _, pk, group_id in rows:
            if group_id:
                members.setdefault(group_id, []).append(pk)
        return {slug: (pk, tuple(members.get(pk, ()))) for slug, pk, _ in rows}

    return cache.get_or_set(f"keys:mineral:{data_version()}", build, TIMEOUT)
