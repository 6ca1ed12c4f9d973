from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aframp.api import PublicAPIView
from health.monitor import monitor


class CheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class EdgeHealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(["healthy", "unhealthy"])
    region = serializers.CharField()
    replication_lag_secs = serializers.FloatField(
        allow_null=True, help_text="0 on a node without replica; null when unknown."
    )
    checks = serializers.DictField(child=CheckSerializer())
    failed = serializers.ListField(child=serializers.CharField(), required=False)


class EdgeHealthView(PublicAPIView):
    """Route 53's probe: 200 when every dependency answers and lag is within bounds.

    Answers within 1.5 s whatever the dependencies do (see health.monitor).
    """

    @extend_schema(
        summary="Regional health for DNS failover",
        responses={
            200: EdgeHealthSerializer,
            503: OpenApiResponse(EdgeHealthSerializer, description="Unhealthy; see failed."),
        },
    )
    def get(self, request: Request) -> Response:
        verdict = monitor.check_now()
        lag = verdict.lag_seconds
        body = {
            "status": "healthy" if verdict.healthy else "unhealthy",
            "region": settings.REGION,
            "replication_lag_secs": None if lag is None else round(lag, 1),
            "checks": {
                name: {"ok": check.ok, "detail": check.detail}
                for name, check in verdict.checks.items()
            },
        }
        if not verdict.healthy:
            body["failed"] = verdict.failed
        return Response(body, status=200 if verdict.healthy else 503)


class LiveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(["alive"])
    region = serializers.CharField()


class LiveView(PublicAPIView):
    """The load balancer's target check: the process answers; no dependency is asked."""

    @extend_schema(summary="Process liveness", responses={200: LiveSerializer})
    def get(self, request: Request) -> Response:
        return Response({"status": "alive", "region": settings.REGION})
