"""Building blocks shared by the API's views: public views, decimal strings,
and the error shape as the OpenAPI schema shows it.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from aframp.errors import ApiError
from aframp.money import money


class PublicAPIView(APIView):
    """A view anyone may call. It authenticates nobody, so it never reads a
    session or a token and its answer is the same for everyone: what the edge
    may cache.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]


def validated(serializer_class, request: Request) -> dict:
    """The request body, validated by `serializer_class`, or a 400 VALIDATION_ERROR."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def choice_param(request: Request, name: str, choices, *, code: str) -> str | None:
    """Query parameter `name`, which must be one of `choices` (TextChoices) if given."""
    value = request.query_params.get(name)
    if value is not None and value not in choices.values:
        raise ApiError(
            f"Unknown {name} {value!r}.",
            code=code,
            details={"parameter": name, "allowed": list(choices.values)},
        )
    return value


@extend_schema_field(OpenApiTypes.DECIMAL)
class DecimalStringField(serializers.Field):
    """A Decimal written as a plain string, never a float.

    Amounts keep their scale ("350.00"); with `normalize`, rates, percentages
    and tier bounds drop the zeros their columns pad them with ("1545.5").
    """

    def __init__(self, *, normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.normalize = normalize

    def to_representation(self, value):
        return money(value.normalize() if self.normalize else value)


@extend_schema_field(OpenApiTypes.STR)
class AmountField(serializers.Field):
    """An amount as the client sent it, to be parsed by aframp.money.parse_amount,
    which refuses JSON numbers: a float is not the amount the client meant.
    """

    def to_internal_value(self, data):
        return data


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, e.g. INVALID_CURRENCY.")
    message = serializers.CharField(help_text="For humans.")
    details = serializers.DictField(help_text="What exactly was wrong, when known.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


ERROR_DESCRIPTIONS = {
    400: "Invalid input; error.code says which rule was broken.",
    401: "Missing, invalid or expired bearer token.",
    403: "Not allowed, or a limit would be exceeded.",
    404: "No such resource (or not yours).",
    409: "Conflicts with the resource's state or an earlier request.",
    422: "Understood but not possible, e.g. insufficient funds.",
    429: "Too many requests; see Retry-After.",
    503: "A dependency is unavailable; see Retry-After.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Schema entries for error statuses, all with the one error shape."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }
