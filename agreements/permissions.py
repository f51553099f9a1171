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
