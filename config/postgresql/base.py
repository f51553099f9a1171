"""Django's PostgreSQL backend, with a client-side bound on waiting for the server.

``statement_timeout`` (set in the settings) makes PostgreSQL cancel a slow statement, and
``connect_timeout`` bounds connecting; neither helps when the server does not answer at all
(stopped, hung, or the network silently dropping packets): psycopg would wait forever for
the reply. Here every wait for a reply on an open connection gives up after
``DB_STATEMENT_TIMEOUT`` plus a grace period; the connection is then closed and the caller
gets an ``OperationalError`` (a 503 in the API, config/views.py and config/api/exceptions.py).
The health check Django runs on a reused connection is bounded the same way.
"""

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg import errors

# Seconds a reply may take beyond the server's own statement timeout before the server is
# taken for unresponsive.
GRACE_SECONDS = 2.0


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose waits for the server have a deadline."""

    reply_timeout: float | None = None

    def wait(self, gen, interval=0.1, timeout=None):
        if timeout is None:
            timeout = self.reply_timeout
        try:
            return super().wait(gen, interval=interval, timeout=timeout)
        except errors._WaitTimeout:
            # The protocol state is unknown after an abandoned wait: drop the connection.
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database server did not answer within {timeout:g} s"
            ) from None


def reply_timeout() -> float | None:
    statement = getattr(settings, "DB_STATEMENT_TIMEOUT", 0)
    return statement + GRACE_SECONDS if statement else None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if type(connection) is psycopg.Connection:
            # Same object, with the bounded wait (BoundedConnection adds no state).
            connection.__class__ = BoundedConnection
            connection.reply_timeout = reply_timeout()
        return connection
