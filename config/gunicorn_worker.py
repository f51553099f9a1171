"""gunicorn's threaded worker (gthread) with the two bounds it lacks.

1. **Request time.** gunicorn's ``timeout`` kills a *sync* worker stuck in one request, but a
   gthread worker keeps sending its heartbeat from the main thread however long a request
   thread runs, so a runaway request (a CPU-bound loop, a pathological input) runs forever.
   Here the heartbeat the master sees is never newer than the start of the oldest request in
   progress: once a request has run for ``timeout`` seconds the master kills and replaces
   the worker, as it would a sync worker (the worker's other requests in flight are lost
   with it, and answered 502 by the proxy). A streaming response counts from its last chunk,
   so a long export that keeps sending is not cut.
2. **Reading the request head.** Once a client has sent its first bytes, the stock worker
   reads the request line and headers with no time limit, so a few clients sending one
   header line every few seconds hold every thread and the server stops answering. Here a
   connection whose head is not complete ``GUNICORN_HEADER_TIMEOUT`` seconds after a thread
   took it up is shut down, freeing the thread.

Select it with ``worker_class = "config.gunicorn_worker.ThreadWorker"`` (gunicorn.conf.py
does). The reverse proxy in front (docs/deployment.md) buffers slow clients as well.
"""

import os
import socket
import threading
import time

from gunicorn.workers import gthread


def _float_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


HEADER_TIMEOUT = _float_env("GUNICORN_HEADER_TIMEOUT", 5.0)


class ThreadWorker(gthread.ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bounds_lock = threading.Lock()
        self._head_due: dict[object, float] = {}  # connection -> deadline for its head
        self._running: dict[int, float] = {}  # request thread -> start (or last chunk)
        self._overrun_logged = False

    # -- request time ------------------------------------------------------------------

    def load_wsgi(self):
        super().load_wsgi()
        application = self.wsgi

        def timed(environ, start_response):
            result = application(environ, start_response)
            if getattr(result, "streaming", False):
                return _Progress(result, self._progress)
            return result

        self.wsgi = timed

    def _progress(self) -> None:
        with self._bounds_lock:
            ident = threading.get_ident()
            if ident in self._running:
                self._running[ident] = time.monotonic()

    def handle_request(self, req, conn):
        ident = threading.get_ident()
        with self._bounds_lock:
            self._head_due.pop(conn, None)
            self._running[ident] = time.monotonic()
        try:
            return super().handle_request(req, conn)
        finally:
            with self._bounds_lock:
                self._running.pop(ident, None)

    def notify(self):
        now = time.monotonic()
        with self._bounds_lock:
            oldest = min(self._running.values(), default=now)
        beat = min(now, oldest)
        os.utime(self.tmp.fileno(), (beat, beat))
        limit = self.cfg.timeout
        if limit and now - oldest > limit / 2:
            if not self._overrun_logged:
                self._overrun_logged = True
                self.log.error(
                    "A request has been running for %.0f s; the worker will be restarted "
                    "if it is still running after %d s (timeout).",
                    now - oldest,
                    limit,
                )
        else:
            self._overrun_logged = False

    # -- reading the request head ------------------------------------------------------

    def handle(self, conn):
        with self._bounds_lock:
            self._head_due[conn] = time.monotonic() + HEADER_TIMEOUT
        try:
            return super().handle(conn)
        finally:
            with self._bounds_lock:
                self._head_due.pop(conn, None)

    def murder_keepalived(self, force=False):
        super().murder_keepalived(force)
        now = time.monotonic()
        with self._bounds_lock:
            late = [conn for conn, due in self._head_due.items() if due <= now]
            for conn in late:
                del self._head_due[conn]
        for conn in late:
            self.log.warning(
                "Closing a connection from %s: request head not complete after %g s.",
                conn.client[0] if isinstance(conn.client, tuple) else conn.client,
                HEADER_TIMEOUT,
            )
            try:
                # The thread blocked reading it sees end-of-file and lets the connection go.
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Progress:
    """A streaming response body that reports each chunk (and passes ``close`` on)."""

    def __init__(self, iterable, report):
        self._iterable = iterable
        self._report = report

    def __iter__(self):
        for chunk in self._iterable:
            self._report()
            yield chunk

    def close(self):
        close = getattr(self._iterable, "close", None)
        if close is not None:
            close()
