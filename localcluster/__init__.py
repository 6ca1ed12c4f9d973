"""Three regions on one machine: the production topology with the same kinds of parts.

    client ─► nginx (CloudFront stand-in, 127.0.0.1:8080)
           ─► HAProxy (Route 53 stand-in, 127.0.0.1:8053, health checks on /health/edge)
           ─► gunicorn nodes on 127.0.0.11 / .12 / .13 :8080 (us-east-1, eu-west-1, ap-southeast-1)
           ─► PostgreSQL primary (127.0.0.11) and streaming standbys (127.0.0.12, 127.0.0.13),
              one Redis and one `manage.py heartbeat` per region.

Run as `python -m localcluster start|status|stop|fault ...`; see README.md.
"""
