"""gunicorn's settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Threads rather than sync workers: a page may wait on Tripletex for up to
TXSYNC_HTTP_INTERACTIVE_DEADLINE seconds, and a sync worker waiting on it would leave health
checks and HubSpot's signed requests queued behind it (and be killed at `timeout`, answering
gunicorn's bare 500). A thread waiting on Tripletex holds only itself; the app's deadline,
not gunicorn, ends such a page, with the app's own explanation. Under threads `timeout` only
restarts a worker whose main loop hangs. Flags on the command line override these
(e.g. `-b 0.0.0.0:8000`).
"""

bind = "127.0.0.1:5000"
workers = 2
worker_class = "gthread"
threads = 8  # 16 requests at once; SQLite connections are per request
timeout = 60  # seconds without a heartbeat from a worker's main loop
graceful_timeout = 30
keepalive = 5
accesslog = "-"  # request lines pass the app's redacting filter (no tokens)
