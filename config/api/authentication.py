"""Token authentication: ``Authorization: Token <key>``, keys stored only as digests (knox)."""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's hashed-token authentication with one query per request.

    Knox checks every other token of the user for expiry on each request (one more query);
    keys here do not expire by default, so only the presented token's own expiry is checked.
    """

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False
