"""gunicorn settings for a regional node; the environment overrides the defaults."""

import os

wsgi_app = "aframp.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Each thread keeps its own database connections; the consistency flag is a
# ContextVar, private to each thread.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 30
# Longer than the ALB's 60 s idle timeout, so that the ALB closes idle
# connections first and never sends a request down a socket we just closed.
keepalive = 75
accesslog = "-"
errorlog = "-"
# The ALB in front of the node sets X-Forwarded-*; trust only it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
