"""Minting cNGN: requests by mint operators, approved by role according to the amount.

  below ₦1,000,000    a mint operator
  below ₦10,000,000   a mint operator and a compliance officer
  from ₦10,000,000    a mint operator, a compliance officer and a finance director

Nobody approves their own request, each person decides once, and a request
expires after MINT_REQUEST_TTL. Once every required role has approved, the
cNGN is issued to the destination at once. MintDecision rows are the audit trail.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.reference_data import ROLES
from aframp.errors import ApiError
from payments import ledger
from payments.models import (
    AccountKind,
    MintDecision,
    MintRequest,
    Transaction,
    TransactionEvent,
    TransactionStatus,
    TransactionType,
)

MINT_REQUEST_TTL = timedelta(hours=72)
MINT_ROLES = ROLES
MINT_OPERATOR, COMPLIANCE_OFFICER, FINANCE_DIRECTOR = ROLES


def required_roles(amount: Decimal) -> tuple[str, ...]:
    if amount < 1_000_000:
        return (MINT_OPERATOR,)
    if amount < 10_000_000:
        return (MINT_OPERATOR, COMPLIANCE_OFFICER)
    return MINT_ROLES


def roles_of(user) -> set[str]:
    return set(
        user.groups.using("default").filter(name__in=MINT_ROLES).values_list("name", flat=True)
    )


def require_any_mint_role(user) -> set[str]:
    roles = roles_of(user)
    if not roles:
        raise ApiError("Minting is for mint staff only.", code="ROLE_REQUIRED", status=403)
    return roles


def create_request(*, user, destination, amount: Decimal, reference: str) -> MintRequest:
    if MINT_OPERATOR not in roles_of(user):
        raise ApiError("Only a mint operator may request a mint.", code="ROLE_REQUIRED", status=403)
    return MintRequest.objects.using("default").create(
        requested_by=user,
        destination=destination,
        amount=amount,
        reference=reference,
        expires_at=timezone.now() + MINT_REQUEST_TTL,
    )


def _locked_request(request_id) -> MintRequest:
    mint = MintRequest.objects.using("default").select_for_update().filter(pk=request_id).first()
    if mint is None:
        raise ApiError("No such mint request.", code="NOT_FOUND", status=404)
    return mint


def expire_due() -> int:
    """Mark pending requests whose time is up as expired, before anyone reads or decides."""
    now = timezone.now()
    return (
        MintRequest.objects.using("default")
        .filter(status=MintRequest.Status.PENDING, expires_at__lte=now)
        .update(status=MintRequest.Status.EXPIRED, decided_at=now)
    )


def _check_can_decide(mint: MintRequest, user) -> str:
    """The role in which `user` decides on `mint` now, or a refusal."""
    if mint.status == MintRequest.Status.EXPIRED or mint.expires_at <= timezone.now():
        raise ApiError("This mint request has expired.", code="MINT_REQUEST_EXPIRED", status=409)
    if mint.status != MintRequest.Status.PENDING:
        raise ApiError(
            f"This mint request is {mint.status}.",
            code="INVALID_TRANSITION",
            status=409,
            details={"from": mint.status},
        )
    if mint.requested_by_id == user.pk:
        raise ApiError("Nobody approves their own request.", code="SELF_APPROVAL", status=403)
    if mint.decisions.using("default").filter(decided_by=user).exists():
        raise ApiError(
            "You have decided on this request already.", code="ALREADY_DECIDED", status=409
        )
    approved = set(
        mint.decisions.using("default").filter(approved=True).values_list("role", flat=True)
    )
    open_roles = [role for role in required_roles(mint.amount) if role not in approved]
    mine = roles_of(user)
    role = next((role for role in open_roles if role in mine), None)
    if role is None:
        raise ApiError(
            "None of your roles is still needed to decide this request.",
            code="ROLE_REQUIRED",
            status=403,
            details={"needed": open_roles},
        )
    return role


def approve(*, user, request_id, note: str = "") -> MintRequest:
    with transaction.atomic(using="default"):
        mint = _locked_request(request_id)
        role = _check_can_decide(mint, user)
        _decide(mint, user, role, approved=True, note=note)
        approved = set(
            mint.decisions.using("default").filter(approved=True).values_list("role", flat=True)
        )
        if approved >= set(required_roles(mint.amount)):
            _issue(mint)
        return mint


def reject(*, user, request_id, note: str = "") -> MintRequest:
    with transaction.atomic(using="default"):
        mint = _locked_request(request_id)
        role = _check_can_decide(mint, user)
        _decide(mint, user, role, approved=False, note=note)
        mint.status = MintRequest.Status.REJECTED
        mint.decided_at = timezone.now()
        mint.save(using="default", update_fields=["status", "decided_at"])
        return mint


def _decide(mint: MintRequest, user, role: str, *, approved: bool, note: str) -> None:
    try:
        with transaction.atomic(using="default"):
            MintDecision.objects.using("default").create(
                request=mint, decided_by=user, role=role, approved=approved, note=note[:200]
            )
    except IntegrityError:
        raise ApiError(
            "You have decided on this request already.", code="ALREADY_DECIDED", status=409
        ) from None


def _issue(mint: MintRequest) -> None:
    """Every required role approved: issue the cNGN, backed by the treasury deposit."""
    tx = Transaction.objects.using("default").create(
        type=TransactionType.MINT,
        status=TransactionStatus.COMPLETED,
        user=mint.destination,
        currency_id="cNGN",
        amount=mint.amount,
        amount_ngn=mint.amount,
        details={"mint_request": str(mint.pk), "reference": mint.reference},
    )
    TransactionEvent.objects.using("default").create(
        transaction=tx, status=tx.status, note="cNGN issued by an approved mint request."
    )
    ledger.post(
        kind="mint",
        memo=f"mint {mint.pk} ({mint.reference})",
        for_transaction=tx,
        lines=[
            (ledger.account(kind=AccountKind.TREASURY, currency="NGN"), -mint.amount),
            (ledger.account(kind=AccountKind.RESERVE, currency="NGN"), mint.amount),
            (ledger.account(kind=AccountKind.ISSUANCE, currency="cNGN"), -mint.amount),
            (
                ledger.account(
                    kind=AccountKind.USER_WALLET, currency="cNGN", user=mint.destination
                ),
                mint.amount,
            ),
        ],
    )
    mint.status = MintRequest.Status.ISSUED
    mint.transaction = tx
    mint.decided_at = timezone.now()
    mint.save(using="default", update_fields=["status", "transaction", "decided_at"])
