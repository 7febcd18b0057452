"""gunicorn settings for Corridor in production (docs/operations.md).

Started by deploy/systemd/corridor.service as

    gunicorn --config /srv/corridor/deploy/gunicorn.conf.py corridor.wsgi:application

nginx is the only client: it talks to gunicorn over a unix socket, so no client address ever
reaches gunicorn or Django. Nothing here logs an address, a query string or a request body.
"""

import os

# The socket is made by deploy/systemd/corridor.socket and handed over by systemd (socket
# activation), owned by nginx's user with mode 0600: only nginx can connect, so nobody else
# on the host can send a forged X-Forwarded-Proto. When gunicorn is started by hand, without
# systemd, it binds this path itself.
bind = ["unix:/run/corridor/gunicorn.sock"]
umask = 0o077

# Sync workers: one request per process, no shared state in memory (DESIGN.md, "Background
# work and scale"). nginx buffers requests and responses, so slow clients (Tor is slow) never
# hold a worker. Each worker stays under about 150 MB; size the count to memory as well.
worker_class = "sync"
workers = int(os.environ.get("CORRIDOR_WEB_WORKERS") or 2 * len(os.sched_getaffinity(0)))

# A worker silent for 30 s is killed and replaced; nginx waits a little longer than that
# (proxy_read_timeout 35s) so that it reports the 502 rather than hanging up first.
timeout = 30
graceful_timeout = 30
# Restart each worker after about a thousand requests, staggered, so that a slow leak in any
# library cannot grow without bound and the workers do not all restart at once.
max_requests = 1000
max_requests_jitter = 200

# Only headers nginx sets are trusted. gunicorn trusts every unix-socket peer (the socket's
# mode decides who that can be); no TCP peer is trusted at all. nginx sets X-Forwarded-Proto
# itself and drops a client's; the other two scheme headers and the SCRIPT_NAME/PATH_INFO
# forwarders are not used, so a client cannot smuggle them through.
forwarded_allow_ips = ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
forwarder_headers = ""
header_map = "drop"  # headers with "_" are dropped (nginx drops them too), never merged
proxy_protocol = False

# Request limits: gunicorn's defaults, with fewer header fields than its 100 (a browser sends
# about twenty). nginx refuses oversized requests before they get here.
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190

# No access log: nginx keeps the only one, without addresses (deploy/nginx/). Errors go to
# stderr, which systemd hands to the journal. The RedactAddresses filter that Django's own
# logging uses (corridor/logging.py) also guards gunicorn's loggers, in case a message ever
# carries an address.
LOG_LEVEL = os.environ.get("CORRIDOR_LOG_LEVEL", "INFO").upper()
accesslog = None
errorlog = "-"
loglevel = LOG_LEVEL.lower()
capture_output = False
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "corridor.logging.RedactAddresses"}},
    "formatters": {"plain": {"format": "%(levelname)s %(name)s [%(process)d] %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
            "stream": "ext://sys.stderr",
        },
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"level": LOG_LEVEL, "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": LOG_LEVEL, "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": ["null"], "propagate": False},
    },
}

# No control socket (gunicorn 25.1+ would put one under $HOME, which systemd hides): manage
# the server with systemctl reload (HUP) and restart. Older gunicorn ignores the setting.
control_socket_disable = True

# Worker heartbeat files on tmpfs: on a disk-backed /tmp gunicorn's fchmod heartbeat can stall
# a worker. systemd's RuntimeDirectory= (/run/corridor-web, mode 0700) is tmpfs and names itself
# in $RUNTIME_DIRECTORY; started by hand, gunicorn uses the default temporary directory.
worker_tmp_dir = os.environ.get("RUNTIME_DIRECTORY") or None
# Preload stays off so that "systemctl reload" (HUP) really loads new code.
preload_app = False
