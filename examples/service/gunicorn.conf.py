"""gunicorn's settings for the service, from the environment.

``PORT`` (8000), ``WEB_CONCURRENCY`` worker processes (2) with
``THREADS`` threads each (4), and ``GRACEFUL_TIMEOUT`` seconds (30) for
requests in flight when the process is told to stop (SIGTERM, as
``docker stop`` and Kubernetes send): gunicorn stops accepting, lets them
finish, then exits 0.
"""

from __future__ import annotations

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
timeout = 60
# Requests are logged by the app as JSON; gunicorn's own access log is off.
accesslog = None
errorlog = "-"
# The proxy in front (a load balancer, the platform's router) is the only peer.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Workers start after the app imports, so a broken deployment fails at once.
preload_app = True
wsgi_app = os.environ.get("APP_MODULE", "service:create_app()")
