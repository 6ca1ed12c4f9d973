"""Payment endpoints. All on strong paths: they read and write the primary."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aframp.api import PublicAPIView, choice_param, error_responses, validated
from aframp.errors import ApiError
from aframp.money import parse_amount
from payments import minting, selectors, services
from payments.idempotency import idempotent
from payments.models import MintRequest, Quote, TransactionStatus, TransactionType
from payments.serializers import (
    BalancesResponse,
    DecisionRequest,
    MintRequestRequest,
    MintRequestResponse,
    OfframpInitiateRequest,
    OfframpQuoteRequest,
    OnrampInitiateRequest,
    QuoteRequest,
    QuoteResponse,
    RedemptionRequest,
    TransactionPageResponse,
    TransactionResponse,
    TransferRequest,
)
from rates import selectors as rate_selectors

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="Unique per intended operation; a retry with the same key and body is "
    "answered as the first time, without moving money again.",
)


class AuthenticatedAPIView(APIView):
    permission_classes = [IsAuthenticated]


def _transaction_body(tx, request: Request) -> dict:
    return TransactionResponse(tx, context={"viewer": request.user}).data


def _amount(raw: str, currency_code: str):
    currency = rate_selectors.currency(code=currency_code)
    return parse_amount(raw, minor_units=currency.minor_units), currency


# --- Balances ------------------------------------------------------------------


class BalanceView(AuthenticatedAPIView):
    @extend_schema(
        summary="Your balances", responses={200: BalancesResponse, **error_responses(401)}
    )
    def get(self, request: Request) -> Response:
        body = {"balances": selectors.balances(user=request.user)}
        return Response(BalancesResponse(body).data)


# --- On-ramp and off-ramp ------------------------------------------------------


class QuoteView(AuthenticatedAPIView):
    direction: str
    request_serializer = QuoteRequest

    def post(self, request: Request) -> Response:
        data = validated(self.request_serializer, request)
        currency_in = "NGN" if self.direction == Quote.Direction.ONRAMP else "cNGN"
        amount, _ = _amount(data["amount"], currency_in)
        quote = services.create_quote(
            user=request.user,
            direction=self.direction,
            amount=amount,
            provider=data["provider"],
            method=data["method"],
        )
        return Response(QuoteResponse(quote).data, status=201)


class OnrampQuoteView(QuoteView):
    direction = Quote.Direction.ONRAMP

    @extend_schema(
        summary="Price an on-ramp: NGN in, cNGN out (valid 180 s)",
        request=QuoteRequest,
        responses={201: QuoteResponse, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class OfframpQuoteView(QuoteView):
    direction = Quote.Direction.OFFRAMP
    request_serializer = OfframpQuoteRequest

    @extend_schema(
        summary="Price an off-ramp: cNGN in, NGN to a bank account (valid 180 s)",
        request=OfframpQuoteRequest,
        responses={201: QuoteResponse, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class OnrampInitiateView(AuthenticatedAPIView):
    @extend_schema(
        summary="Start paying a quote; returns the provider's payment instructions",
        parameters=[IDEMPOTENCY_KEY],
        request=OnrampInitiateRequest,
        responses={201: TransactionResponse, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request) -> Response:
        data = validated(OnrampInitiateRequest, request)

        def run():
            tx = services.initiate_onramp(user=request.user, quote_id=data["quote_id"])
            return 201, _transaction_body(tx, request)

        return idempotent(request, run)


class OfframpInitiateView(AuthenticatedAPIView):
    @extend_schema(
        summary="Off-ramp a quote: hold the cNGN and pay the naira to a bank account",
        parameters=[IDEMPOTENCY_KEY],
        request=OfframpInitiateRequest,
        responses={201: TransactionResponse, **error_responses(400, 401, 403, 404, 409, 422)},
    )
    def post(self, request: Request) -> Response:
        data = validated(OfframpInitiateRequest, request)
        bank = services.validate_bank_account(
            bank_code=data["bank_code"],
            account_number=data["account_number"],
            account_name=data["account_name"],
        )

        def run():
            tx = services.initiate_offramp(user=request.user, quote_id=data["quote_id"], bank=bank)
            return 201, _transaction_body(tx, request)

        def pay_out(answer):
            status, body = answer
            return status, _transaction_body(services.pay_out(body["id"]), request)

        return idempotent(request, run, after_commit=pay_out)


class StatusView(AuthenticatedAPIView):
    """A transaction of one type, for its owner; any other id is a 404."""

    transaction_type: str

    @extend_schema(responses={200: TransactionResponse, **error_responses(401, 404)})
    def get(self, request: Request, tx_id) -> Response:
        tx = selectors.transaction_for(
            user=request.user, tx_id=tx_id, types=(self.transaction_type,)
        )
        return Response(_transaction_body(tx, request))


class OnrampStatusView(StatusView):
    transaction_type = TransactionType.ONRAMP


class OfframpStatusView(StatusView):
    transaction_type = TransactionType.OFFRAMP


class TransferDetailView(StatusView):
    transaction_type = TransactionType.TRANSFER


class RedemptionDetailView(StatusView):
    transaction_type = TransactionType.REDEMPTION


class OnrampWebhookView(PublicAPIView):
    @extend_schema(
        summary="Payment provider webhook (HMAC-SHA256 of the raw body in X-Signature)",
        parameters=[OpenApiParameter("X-Signature", str, location=OpenApiParameter.HEADER)],
        request={"application/json": {"type": "object"}},
        responses={
            200: OpenApiResponse(description='{"result": "completed" | "failed" | "duplicate"}'),
            **error_responses(400, 401, 404, 409),
        },
    )
    def post(self, request: Request, provider: str) -> Response:
        result = services.handle_payment_webhook(
            provider=provider,
            raw_body=request.body,
            signature=request.headers.get("X-Signature", ""),
        )
        return Response({"result": result})


# --- Transfers and redemptions -------------------------------------------------


class TransferView(AuthenticatedAPIView):
    @extend_schema(
        summary="Send money to another user",
        parameters=[IDEMPOTENCY_KEY],
        request=TransferRequest,
        responses={201: TransactionResponse, **error_responses(400, 401, 403, 404, 409, 422)},
    )
    def post(self, request: Request) -> Response:
        data = validated(TransferRequest, request)
        amount, currency = _amount(data["amount"], data["currency"])
        recipient = services.find_recipient(
            email=data.get("recipient_email"), account_id=data.get("recipient_account_id")
        )

        def run():
            tx = services.transfer(
                sender=request.user, recipient=recipient, amount=amount, currency=currency
            )
            return 201, _transaction_body(tx, request)

        return idempotent(request, run)


class RedemptionView(AuthenticatedAPIView):
    @extend_schema(
        summary="Redeem cNGN to naira in a bank account",
        parameters=[IDEMPOTENCY_KEY],
        request=RedemptionRequest,
        responses={201: TransactionResponse, **error_responses(400, 401, 403, 409, 422)},
    )
    def post(self, request: Request) -> Response:
        data = validated(RedemptionRequest, request)
        amount, _ = _amount(data["amount"], "cNGN")
        bank = services.validate_bank_account(
            bank_code=data["bank_code"],
            account_number=data["account_number"],
            account_name=data["account_name"],
        )

        def run():
            tx = services.request_redemption(user=request.user, amount=amount, bank=bank)
            return 201, _transaction_body(tx, request)

        return idempotent(request, run)


class RedemptionCancelView(AuthenticatedAPIView):
    @extend_schema(
        summary="Cancel a pending redemption; the cNGN returns to your wallet",
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={200: TransactionResponse, **error_responses(401, 404, 409)},
    )
    def post(self, request: Request, tx_id) -> Response:
        def run():
            tx = services.cancel_redemption(user=request.user, tx_id=tx_id)
            return 200, _transaction_body(tx, request)

        return idempotent(request, run)


# --- History -------------------------------------------------------------------


class HistoryPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100


def _moment(raw: str | None, name: str, *, end_of_day: bool):
    """A filter bound: a date covers its whole day (UTC), a time is taken as given."""
    if raw is None:
        return None
    try:
        day = parse_date(raw)  # a bare date, before parse_datetime reads it as midnight
        if day is not None:
            moment = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            moment = parse_datetime(raw)
    except ValueError:  # well formed but impossible, such as 2026-02-30
        moment = None
    if moment is None:
        raise ApiError(
            f"{name} must be an ISO 8601 date or time.",
            code="INVALID_FILTER",
            details={"parameter": name},
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class TransactionsView(AuthenticatedAPIView):
    @extend_schema(
        summary="Your transactions, newest first",
        operation_id="api_v1_transactions_list",
        parameters=[
            OpenApiParameter("type", str, enum=TransactionType.values),
            OpenApiParameter("status", str, enum=TransactionStatus.values),
            OpenApiParameter("currency", str),
            OpenApiParameter("from", str, description="ISO date or time, inclusive"),
            OpenApiParameter("to", str, description="ISO date or time, inclusive"),
            OpenApiParameter("cursor", str),
            OpenApiParameter("limit", int, description="1 to 100, default 20"),
        ],
        responses={200: TransactionPageResponse, **error_responses(400, 401)},
    )
    def get(self, request: Request) -> Response:
        found = selectors.visible_transactions(user=request.user).prefetch_related("events")
        if kind := choice_param(request, "type", TransactionType, code="INVALID_FILTER"):
            found = found.filter(type=kind)
        if status := choice_param(request, "status", TransactionStatus, code="INVALID_FILTER"):
            found = found.filter(status=status)
        if code := request.query_params.get("currency"):
            found = found.filter(currency=rate_selectors.currency(code=code))
        if start := _moment(request.query_params.get("from"), "from", end_of_day=False):
            found = found.filter(created_at__gte=start)
        if end := _moment(request.query_params.get("to"), "to", end_of_day=True):
            found = found.filter(created_at__lte=end)
        paginator = HistoryPagination()
        page = paginator.paginate_queryset(found, request, view=self)
        body = TransactionResponse(page, many=True, context={"viewer": request.user}).data
        return paginator.get_paginated_response(body)


class TransactionDetailView(AuthenticatedAPIView):
    @extend_schema(
        summary="One of your transactions",
        responses={200: TransactionResponse, **error_responses(401, 404)},
    )
    def get(self, request: Request, tx_id) -> Response:
        tx = selectors.transaction_for(user=request.user, tx_id=tx_id)
        return Response(_transaction_body(tx, request))


# --- Minting -------------------------------------------------------------------


def _mint_body(mint: MintRequest) -> dict:
    return MintRequestResponse(mint).data


class MintRequestsView(AuthenticatedAPIView):
    @extend_schema(
        summary="Mint requests (mint staff only)",
        parameters=[OpenApiParameter("status", str, enum=MintRequest.Status.values)],
        responses={200: MintRequestResponse(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        minting.require_any_mint_role(request.user)
        minting.expire_due()
        found = MintRequest.objects.select_related("requested_by", "destination").order_by(
            "-created_at"
        )
        if status := choice_param(request, "status", MintRequest.Status, code="INVALID_FILTER"):
            found = found.filter(status=status)
        return Response([_mint_body(mint) for mint in found[:200]])

    @extend_schema(
        summary="Request a mint (mint operators)",
        parameters=[IDEMPOTENCY_KEY],
        request=MintRequestRequest,
        responses={201: MintRequestResponse, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request) -> Response:
        data = validated(MintRequestRequest, request)
        amount, _ = _amount(data["amount"], "cNGN")
        destination = services.find_recipient(
            email=data.get("destination_email"), account_id=data.get("destination_account_id")
        )

        def run():
            mint = minting.create_request(
                user=request.user,
                destination=destination,
                amount=amount,
                reference=data["reference"],
            )
            return 201, _mint_body(mint)

        return idempotent(request, run)


class MintRequestDetailView(AuthenticatedAPIView):
    @extend_schema(
        summary="One mint request with its audit trail (mint staff only)",
        responses={200: MintRequestResponse, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, request_id) -> Response:
        minting.require_any_mint_role(request.user)
        minting.expire_due()
        mint = MintRequest.objects.filter(pk=request_id).first()
        if mint is None:
            raise ApiError("No such mint request.", code="NOT_FOUND", status=404)
        return Response(_mint_body(mint))


class MintDecisionView(AuthenticatedAPIView):
    """Approve or reject a mint request; see payments.minting for who may."""

    approve: bool

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=DecisionRequest,
        responses={200: MintRequestResponse, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, request_id) -> Response:
        data = validated(DecisionRequest, request)
        decide = minting.approve if self.approve else minting.reject
        # Recorded on its own, so that it stands even though the decision is refused.
        minting.expire_due()

        def run():
            mint = decide(user=request.user, request_id=request_id, note=data["note"])
            return 200, _mint_body(mint)

        return idempotent(request, run)


class MintApproveView(MintDecisionView):
    approve = True


class MintRejectView(MintDecisionView):
    approve = False
