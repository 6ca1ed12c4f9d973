"""Reads of balances and transactions. Their paths are strong: they read the primary."""

from decimal import Decimal

from django.db.models import Q, QuerySet

from aframp.errors import ApiError
from payments.models import AccountKind, LedgerAccount, Transaction


def balances(*, user) -> list[dict]:
    """Every currency the user holds: what is available and what is on hold."""
    by_currency: dict[str, dict] = {}
    for account in LedgerAccount.objects.filter(user=user).order_by("currency_id"):
        entry = by_currency.setdefault(
            account.currency_id,
            {"currency": account.currency_id, "available": Decimal(0), "on_hold": Decimal(0)},
        )
        key = "available" if account.kind == AccountKind.USER_WALLET else "on_hold"
        entry[key] = account.balance
    return list(by_currency.values())


def visible_transactions(*, user) -> QuerySet[Transaction]:
    """What the user may see: their own transactions and transfers sent to them."""
    return Transaction.objects.filter(Q(user=user) | Q(counterparty=user)).select_related(
        "user", "counterparty"
    )


def transaction_for(*, user, tx_id, types: tuple[str, ...] | None = None) -> Transaction:
    """A transaction the user may see, or a 404 that does not confirm it exists."""
    found = visible_transactions(user=user).filter(pk=tx_id)
    if types:
        found = found.filter(type__in=types)
    tx = found.prefetch_related("events").first()
    if tx is None:
        raise ApiError("No such transaction.", code="NOT_FOUND", status=404)
    return tx
