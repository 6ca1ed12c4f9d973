"""Money in and out of the API: Decimal end to end, strings on the wire."""

from decimal import Decimal, InvalidOperation

from aframp.errors import ApiError

# Larger than any amount a person moves, smaller than the columns' 24 digits.
MAX_AMOUNT = Decimal("1000000000000")


def parse_amount(raw, *, minor_units: int, field: str = "amount") -> Decimal:
    """A positive amount with at most `minor_units` decimal places, or a 400.

    Accepts a decimal string (the API's format) or an integer; never a float,
    whose binary value is not the amount the client meant.
    """
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise _invalid(field, 'must be a decimal string such as "2500.00"')
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _invalid(field, "is not a number") from None
    if not amount.is_finite():
        raise _invalid(field, "is not a number")
    if amount <= 0:
        raise _invalid(field, "must be greater than zero")
    if amount > MAX_AMOUNT:
        raise _invalid(field, f"must be at most {MAX_AMOUNT:,}")
    if -amount.as_tuple().exponent > minor_units:
        raise _invalid(field, f"has more than {minor_units} decimal places")
    return amount.quantize(Decimal(1).scaleb(-minor_units))  # exact: "2500" → 2500.00


def _invalid(field: str, problem: str) -> ApiError:
    return ApiError(f"{field} {problem}.", code="INVALID_AMOUNT", details={"field": field})


def money(value: Decimal) -> str:
    """How amounts and rates are written in responses: plain decimal strings, no exponent."""
    return format(value, "f")
