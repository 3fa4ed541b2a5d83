"""gunicorn's settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Threads rather than sync workers: a page may wait on Tripletex for up to
TXSYNC_HTTP_INTERACTIVE_DEADLINE seconds, and a sync worker waiting on it would leave health
checks and HubSpot's signed requests queued behind it. The timeout stays well above that
deadline, so a slow page ends with the app's own explanation, never gunicorn's bare 500.
Flags on the command line override these (e.g. `-b 0.0.0.0:8000`).
"""
bind = "127.0.0.1:5000"
workers = 2
worker_class = "gthread"
threads = 8                  # 16 requests at once; SQLite connections are per request
timeout = 60                 # seconds; HTTP_INTERACTIVE_DEADLINE defaults to 20
graceful_timeout = 30
keepalive = 5
accesslog = "-"              # request lines pass the app's redacting filter (no tokens)
