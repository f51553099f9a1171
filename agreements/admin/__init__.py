"""The admin of agreements: the agreement page with its collections, parties, people,
claims, draft proposals, and the page that drafts an agreement from a press release."""

from agreements.admin import agreements  # noqa: F401  (registers the model admins)
