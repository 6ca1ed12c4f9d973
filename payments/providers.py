"""Payment providers behind one adapter interface, with a built-in sandbox.

The sandbox behaves like a provider without calling one: collecting returns
payment instructions and a reference whose confirmation arrives by webhook;
a payout to an account number ending in 0000 fails (a closed account), any
other succeeds, so clients and tests can exercise both outcomes. Payouts carry
our own reference, which real providers use to pay a repeated request once.
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

from aframp.errors import ApiError


@dataclass(frozen=True)
class PaymentInstructions:
    reference: str
    details: dict


@dataclass(frozen=True)
class PayoutResult:
    succeeded: bool
    reference: str
    reason: str = ""


class PaymentProviderAdapter(Protocol):
    name: str

    def collect(self, *, amount: str, currency: str, method: str) -> PaymentInstructions: ...

    def pay_out(
        self, *, reference: str, amount: str, currency: str, bank_code: str, account_number: str
    ) -> PayoutResult:
        """Pay once per `reference`: asked again, the provider answers the first outcome."""
        ...


class SandboxProvider:
    def __init__(self, name: str):
        self.name = name

    def collect(self, *, amount: str, currency: str, method: str) -> PaymentInstructions:
        reference = f"{self.name}_{uuid.uuid4().hex[:24]}"
        how = {
            "card": {"checkout_url": f"https://sandbox.{self.name}.example/pay/{reference}"},
            "bank_transfer": {
                "bank_name": f"{self.name.title()} Sandbox Bank",
                "account_number": "9" + str(uuid.uuid4().int)[:9],
                "account_name": "Aframp Collections",
            },
            "ussd": {"ussd_code": f"*737*000*{amount.split('.')[0]}#"},
        }.get(method, {})
        return PaymentInstructions(
            reference=reference,
            details={"method": method, "amount": amount, "currency": currency, **how},
        )

    def pay_out(
        self, *, reference: str, amount: str, currency: str, bank_code: str, account_number: str
    ) -> PayoutResult:
        # Deterministic, as a real provider's answer to a repeated reference is.
        if account_number.endswith("0000"):
            return PayoutResult(False, reference, "The receiving account is closed.")
        return PayoutResult(True, reference)


_ADAPTERS: dict[str, PaymentProviderAdapter] = {
    name: SandboxProvider(name) for name in ("flutterwave", "paystack")
}


def adapter(name: str) -> PaymentProviderAdapter:
    try:
        return _ADAPTERS[name]
    except KeyError:
        raise ApiError(
            f"Unknown payment provider {name!r}.",
            code="INVALID_PROVIDER",
            status=404,
            details={"provider": name},
        ) from None
