"""Posting movements to the double-entry ledger: the only code that changes balances."""

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, connections, transaction

from aframp.errors import ApiError
from aframp.money import money
from payments.models import USER_KINDS, AccountKind, LedgerAccount, Movement, Posting, Transaction
from rates.models import Currency


class InsufficientFunds(ApiError):
    status = 422
    code = "INSUFFICIENT_FUNDS"


def account(*, kind: AccountKind, currency: Currency | str, user=None) -> LedgerAccount:
    """The ledger account of that kind, currency and user, created on first use."""
    currency_id = currency if isinstance(currency, str) else currency.code
    accounts = LedgerAccount.objects.using("default")
    try:
        with transaction.atomic(using="default"):
            found, _ = accounts.get_or_create(kind=kind, currency_id=currency_id, user=user)
            return found
    except IntegrityError:  # created by a concurrent request a moment ago
        return accounts.get(kind=kind, currency_id=currency_id, user=user)


def post(
    *,
    kind: str,
    memo: str,
    lines: Sequence[tuple[LedgerAccount, Decimal]],
    for_transaction: Transaction | None = None,
) -> Movement:
    """Record one balanced movement and apply it to the balances.

    Must run inside `transaction.atomic(using="default")`, together with
    whatever made the movement necessary. Accounts are locked in id order, so
    concurrent movements over the same accounts queue instead of deadlocking,
    and a user's balance is checked under that lock: it never goes negative.
    """
    if not connections["default"].in_atomic_block:
        raise RuntimeError("ledger.post must run inside transaction.atomic(using='default')")
    totals: dict[str, Decimal] = defaultdict(Decimal)
    deltas: dict[int, Decimal] = defaultdict(Decimal)
    for ledger_account, amount in lines:
        if amount == 0:
            raise ValueError("a posting of zero moves nothing")
        totals[ledger_account.currency_id] += amount
        deltas[ledger_account.pk] += amount
    unbalanced = {currency: total for currency, total in totals.items() if total != 0}
    if unbalanced:
        raise ValueError(f"movement {kind!r} does not balance: {unbalanced}")

    locked = {
        locked_account.pk: locked_account
        for locked_account in LedgerAccount.objects.using("default")
        .select_for_update()
        .filter(pk__in=sorted(deltas))
        .order_by("pk")
    }
    for pk, delta in deltas.items():
        held = locked[pk]
        if held.kind in USER_KINDS and held.balance + delta < 0:
            raise InsufficientFunds(
                f"Not enough {held.currency_id}: {money(held.balance)} available, "
                f"{money(-delta)} needed.",
                details={
                    "currency": held.currency_id,
                    "available": money(held.balance),
                    "required": money(-delta),
                },
            )

    movement = Movement.objects.using("default").create(
        kind=kind, memo=memo[:200], transaction=for_transaction
    )
    Posting.objects.using("default").bulk_create(
        Posting(movement=movement, account_id=ledger_account.pk, amount=amount)
        for ledger_account, amount in lines
    )
    for pk, delta in deltas.items():
        held = locked[pk]
        held.balance += delta
        held.save(update_fields=["balance"], using="default")
    return movement
