"""The application plus one route that never returns (``/__spin``: a CPU-bound loop), to
show that gunicorn's timeout ends a runaway request. Used only by tests/live."""

from config.wsgi import application as _application


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/__spin":
        n = 0
        while True:  # a runaway request: busy, never answers
            n += 1
    return _application(environ, start_response)
