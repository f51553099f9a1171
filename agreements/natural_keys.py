"""Natural keys of reference data (party codes, mineral slugs) mapped to database ids,
cached under the data version, so validating a filter value costs no query once warm."""

from django.core.cache import cache

from agreements.models import Party
from config.api.data_version import data_version
from config.api.filters import normalise
from minerals.models import Mineral, MineralAlias, MineralList

TIMEOUT = 3600


def party_ids() -> dict[str, int]:
    """Party code (normalised, so ``gb`` finds GB) → id."""
    return cache.get_or_set(
        f"keys:party:v2:{data_version()}",
        lambda: {normalise(code): pk for code, pk in Party.objects.values_list("code", "pk")},
        TIMEOUT,
    )


def mineral_ids() -> dict[str, tuple[int, tuple[int, ...]]]:
    """Mineral slug, name or alias (normalised: ``Lithium``, ``rare earths``) → (id, ids of
    its members), so a group expands without a query. A slug wins over a name or an alias
    that happens to read the same."""

    def build():
        rows = list(Mineral.objects.values_list("slug", "name", "pk", "group_id"))
        members: dict[int, list[int]] = {}
        for _, _, pk, group_id in rows:
            if group_id:
                members.setdefault(group_id, []).append(pk)
        entry = {pk: (pk, tuple(members.get(pk, ()))) for _, _, pk, _ in rows}
        keys: dict[str, tuple[int, tuple[int, ...]]] = {}
        for name, pk in MineralAlias.objects.values_list("name", "mineral_id"):
            keys.setdefault(normalise(name), entry[pk])
        for _, name, pk, _ in rows:
            keys[normalise(name)] = entry[pk]
        for slug, _, pk, _ in rows:
            keys[normalise(slug)] = entry[pk]
        return keys

    return cache.get_or_set(f"keys:mineral:v2:{data_version()}", build, TIMEOUT)


def mineral_list_ids() -> dict[str, int]:
    """Criticality list slug (normalised) → id."""
    return cache.get_or_set(
        f"keys:mineral-list:{data_version()}",
        lambda: {normalise(slug): pk for slug, pk in MineralList.objects.values_list("slug", "pk")},
        TIMEOUT,
    )
