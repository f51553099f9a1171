"""Who may do what through the API."""

from rest_framework.permissions import DjangoModelPermissions


class ModelPermissionsOrReadOnly(DjangoModelPermissions):
    """Anyone may read; writes need the Django model permission (add / change / delete)."""

    authenticated_users_only = False
