"""The admin of agreements: the agreement page with its collections (``agreements``,
``forms``, ``timeline``), parties and people, claims, and the extractor's proposals. Each
module registers its model admins when imported."""

from agreements.admin import agreements, claims, people, proposals  # noqa: F401
