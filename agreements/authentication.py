"""Token authentication: ``Authorization: Token <key>``, keys stored only as digests (knox)."""

from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's hashed-token authentication, without touching the token on every request."""
