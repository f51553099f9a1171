"""Who may do what through the API."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ModelPermissionsOrReadOnly(DjangoModelPermissions):
    """Anyone may read; writes need the Django model permission (add / change / delete)."""

    authenticated_users_only = False

    def has_permission(self, request, view):
        # Reads need no permission (visibility is the queryset's job), and answering here
        # spares every read building the view's queryset just to learn its model.
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)


def can_view_drafts(user) -> bool:
    """Whether a user sees draft agreements (and what they change): editors do, the public
    does not. Every read decides its audience with this one rule."""
    return bool(user and user.is_authenticated and user.has_perm("agreements.view_agreement"))
