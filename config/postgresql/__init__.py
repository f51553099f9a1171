"""Django's PostgreSQL backend with a bound on waiting for the server (see base.py)."""
