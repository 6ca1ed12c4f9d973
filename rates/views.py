"""Rates and fees: eventual paths, read from the local replica, cached at the edge."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from aframp.api import PublicAPIView, choice_param, error_responses
from aframp.errors import ApiError
from aframp.money import parse_amount
from rates import selectors
from rates.models import PaymentMethod, PaymentProvider, TransactionType
from rates.serializers import (
    FeeQuoteSerializer,
    FeeQuotesSerializer,
    FeeSchedulesSerializer,
    PublicRatesSerializer,
    RatesSerializer,
)

MAX_PAIRS = 20


def _missing(parameter: str, because: str) -> ApiError:
    return ApiError(
        f"{parameter} is required {because}.",
        code="MISSING_PARAMETER",
        details={"parameter": parameter},
    )


class RatesView(PublicAPIView):
    @extend_schema(
        summary="Exchange rates",
        description=(
            "All supported pairs and their inverses; `from`+`to` for one pair; `pairs` "
            "for several. Rates may be up to five minutes old; `last_updated` is when "
            "the source produced each one."
        ),
        parameters=[
            OpenApiParameter("from", str, description="Base currency, e.g. USD"),
            OpenApiParameter("to", str, description="Quote currency, e.g. NGN"),
            OpenApiParameter("pairs", str, description="Comma-separated, e.g. USD/NGN,cNGN/NGN"),
        ],
        responses={200: RatesSerializer, **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        base, quote, pairs = params.get("from"), params.get("to"), params.get("pairs")
        if pairs is not None and (base is not None or quote is not None):
            raise ApiError(
                "Ask for either from and to, or pairs, not both.", code="CONFLICTING_PARAMETERS"
            )
        if pairs is not None:
            rates = [selectors.rate(base=b, quote=q) for b, q in _parse_pairs(pairs)]
        elif base is not None or quote is not None:
            if base is None:
                raise _missing("from", "with to")
            if quote is None:
                raise _missing("to", "with from")
            rates = [selectors.rate(base=base, quote=quote)]
        else:
            rates = selectors.all_rates()
        return Response(RatesSerializer({"rates": rates}).data)


def _parse_pairs(raw: str) -> list[tuple[str, str]]:
    pairs = list(dict.fromkeys(item.strip() for item in raw.split(",") if item.strip()))
    if not pairs:
        raise ApiError("pairs is empty.", code="INVALID_PAIR", details={"pairs": raw})
    if len(pairs) > MAX_PAIRS:
        raise ApiError(
            f"At most {MAX_PAIRS} pairs at once.", code="TOO_MANY_PAIRS", details={"max": MAX_PAIRS}
        )
    parsed = []
    for pair in pairs:
        base, slash, quote = pair.partition("/")
        if not slash or not base.strip() or not quote.strip() or "/" in quote:
            raise ApiError(
                f"{pair!r} is not a pair like USD/NGN.", code="INVALID_PAIR", details={"pair": pair}
            )
        parsed.append((base.strip(), quote.strip()))
    return parsed


class PublicRatesView(PublicAPIView):
    @extend_schema(
        summary="Public rate feed",
        description="Every currency and every pair, for the edge to cache.",
        responses={200: PublicRatesSerializer},
    )
    def get(self, request: Request) -> Response:
        feed = {"currencies": selectors.currencies(), "rates": selectors.all_rates()}
        return Response(PublicRatesSerializer(feed).data)


class FeesView(PublicAPIView):
    @extend_schema(
        summary="Fee schedules and fee quotes",
        description=(
            "Without parameters: the schedules in force. With `type` and `amount`: the "
            "fees of that amount through every provider and method, cheapest first. "
            "With `provider` and `method` as well: one breakdown."
        ),
        parameters=[
            OpenApiParameter("type", str, enum=TransactionType.values),
            OpenApiParameter("amount", str, description="Decimal string, e.g. 25000.00"),
            OpenApiParameter("provider", str, enum=PaymentProvider.values),
            OpenApiParameter("method", str, enum=PaymentMethod.values),
            OpenApiParameter(
                "currency", str, description="Filters schedules; quotes default to NGN"
            ),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="FeesResponse",
                serializers=[FeeSchedulesSerializer, FeeQuotesSerializer, FeeQuoteSerializer],
                resource_type_field_name=None,
            ),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        transaction_type = choice_param(
            request, "type", TransactionType, code="INVALID_TRANSACTION_TYPE"
        )
        provider = choice_param(request, "provider", PaymentProvider, code="INVALID_PROVIDER")
        method = choice_param(request, "method", PaymentMethod, code="INVALID_METHOD")
        currency_code = request.query_params.get("currency")
        currency = selectors.currency(code=currency_code) if currency_code is not None else None
        raw_amount = request.query_params.get("amount")
        now = timezone.now()

        if raw_amount is None:
            if provider or method:
                raise _missing("amount", "with provider or method")
            schedules = selectors.effective_fee_schedules(
                at=now, transaction_type=transaction_type, currency=currency
            )
            return Response(FeeSchedulesSerializer({"schedules": schedules}).data)

        currency = currency or selectors.currency(code="NGN")  # quotes are in naira by default

        if transaction_type is None:
            raise _missing("type", "with amount")
        amount = parse_amount(raw_amount, minor_units=currency.minor_units)
        schedules = [
            schedule
            for schedule in selectors.effective_fee_schedules(
                at=now, transaction_type=transaction_type, currency=currency
            )
            if provider in (None, schedule.provider) and method in (None, schedule.method)
        ]
        quotes = selectors.fee_quotes(schedules=schedules, amount=amount)
        if not quotes:
            raise ApiError(
                f"No fee schedule covers {amount} {currency.code} for {transaction_type}"
                + (f" through {provider}" if provider else "")
                + (f" by {method}" if method else "")
                + ".",
                code="NO_FEE_SCHEDULE",
                details={
                    "type": transaction_type,
                    "provider": provider,
                    "method": method,
                    "amount": str(amount),
                    "currency": currency.code,
                },
            )
        if provider and method:
            return Response(FeeQuoteSerializer({"breakdown": quotes[0]}).data)
        body = {
            "transaction_type": transaction_type,
            "currency": currency.code,
            "amount": amount,
            "quotes": quotes,
            "cheapest": quotes[0],
        }
        return Response(FeeQuotesSerializer(body).data)


class PublicFeesView(PublicAPIView):
    @extend_schema(
        summary="Public fee catalogue",
        description="Every fee schedule in force, with its tiers.",
        responses={200: FeeSchedulesSerializer},
    )
    def get(self, request: Request) -> Response:
        schedules = selectors.effective_fee_schedules(at=timezone.now())
        return Response(FeeSchedulesSerializer({"schedules": schedules}).data)
