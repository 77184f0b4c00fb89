"""Registering a payment made after an on-account (or layby) sale.

The sale's invoice was left open in Xero, owed by the customer; a payment registered here
is stored once per POS payment id and sent to Xero against that invoice by the export
engine's payments lane, exactly once. Validation says which field is wrong; nothing is
stored unless all is right.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from config.errors import Conflict, Invalid, NotFound
from mappings.selectors import effective_mappings
from outlets.models import Merchant
from xero_integration.models import LaterPayment, Sale

from .money import ZERO
from .types import sale_from_json
from .validation import SALE_ID_PATTERN, Collector, check_sign, parse_occurred_at

ACCEPTED, DUPLICATE = "accepted", "duplicate"
UNKNOWN_SALE = "No sale '{sale_id}' for this merchant."
NOT_ON_ACCOUNT = (
    "Sale '{sale_id}' was not sold on account: none of its payment methods is mapped to "
    "ON_ACCOUNT, so there is nothing owed to pay."
)
METHOD_IS_ON_ACCOUNT = (
    "'{method}' is the on-account method itself: name how the customer paid (e.g. card)."
)
MORE_THAN_OWED = "Only {owed} is still owed on sale '{sale_id}'."
OTHER_PAYMENT = (
    "Payment '{payment_id}' was already registered with different content; nothing was changed."
)
BAD_PAYMENT_ID = "Use at most 100 letters, digits and . _ : / - (starting with a letter or digit)."


@dataclass(frozen=True)
class PaymentInput:
    payment_id: str
    method: str
    amount: Decimal
    paid_at: Any  # an aware datetime
    paid_at_given: bool = True  # False: "now", which a resend cannot repeat

    def same_as(self, stored: LaterPayment) -> bool:
        same_time = not self.paid_at_given or stored.paid_at == self.paid_at
        return (stored.method, stored.amount) == (self.method, self.amount) and same_time


@dataclass(frozen=True)
class Registered:
    payment: LaterPayment
    status: str  # ACCEPTED or DUPLICATE
    owed: Decimal  # still owed on the sale after it


def parse_payment_input(raw: dict[str, Any]) -> PaymentInput:
    """The payment, or Invalid naming every bad field."""
    c = Collector()
    payment_id = c.text(raw, "payment_id")
    if payment_id and not SALE_ID_PATTERN.match(payment_id):
        c.add("payment_id", BAD_PAYMENT_ID)
    method = c.text(raw, "method")
    amount = c.decimal(raw, "amount")
    check_sign(c, "amount", amount, non_negative=True, non_zero=True)
    paid_at = parse_occurred_at(c, raw.get("paid_at") or timezone.now().isoformat(), timezone.now())
    if "occurred_at" in c.errors:
        c.errors["paid_at"] = c.errors.pop("occurred_at")
    if c.errors:
        raise Invalid("The payment is not valid.", fields=c.errors)
    assert payment_id is not None and method is not None and amount is not None
    return PaymentInput(payment_id, method, amount, paid_at, paid_at_given="paid_at" in raw)


def owed_on(sale: Sale, on_account: set[str]) -> Decimal:
    """What the customer still owes: the on-account part less what was registered since."""
    data = sale_from_json(sale.payload)
    owed = sum((p.amount for p in data.payments if p.method in on_account), ZERO)
    paid = sale.later_payments.aggregate(paid=Sum("amount"))["paid"] or ZERO
    return owed - paid


def check_payable(sale: Sale, payment: PaymentInput) -> Decimal:
    """What is owed before this payment (raises Invalid when it cannot be paid)."""
    on_account = effective_mappings(outlet=sale.outlet).on_account_methods()
    methods = {p.get("method") for p in sale.payload.get("payments", [])}
    if not on_account & methods:
        message = NOT_ON_ACCOUNT.format(sale_id=sale.sale_id)
        raise Invalid(message, fields={"sale_id": [message]})
    if payment.method in on_account:
        message = METHOD_IS_ON_ACCOUNT.format(method=payment.method)
        raise Invalid(message, fields={"method": [message]})
    owed = owed_on(sale, on_account)
    if payment.amount > owed:
        message = MORE_THAN_OWED.format(owed=owed, sale_id=sale.sale_id)
        raise Invalid(message, fields={"amount": [message]})
    return owed


def already_registered(merchant: Merchant, payment: PaymentInput) -> LaterPayment | None:
    stored = LaterPayment.objects.filter(merchant=merchant, payment_id=payment.payment_id).first()
    if stored is not None and not payment.same_as(stored):
        raise Conflict(OTHER_PAYMENT.format(payment_id=payment.payment_id))
    return stored


@transaction.atomic
def register_later_payment(*, merchant: Merchant, sale_id: str, raw: dict[str, Any]) -> Registered:
    """Store a payment on an on-account sale once; the same payment again changes nothing."""
    payment = parse_payment_input(raw)
    # An id no sale can have (a NUL, on PostgreSQL) is not looked up: it would fail the query.
    sale = (
        Sale.objects.select_for_update().filter(merchant=merchant, sale_id=sale_id).first()
        if SALE_ID_PATTERN.match(sale_id)
        else None
    )
    if sale is None:
        raise NotFound(UNKNOWN_SALE.format(sale_id=sale_id))
    stored = already_registered(merchant, payment)
    if stored is not None:
        if stored.sale_id != sale.pk:
            raise Conflict(OTHER_PAYMENT.format(payment_id=payment.payment_id))
        return Registered(stored, DUPLICATE, owed_on_sale(sale))
    owed = check_payable(sale, payment)
    try:
        with transaction.atomic():
            created = LaterPayment.objects.create(
                merchant=merchant,
                sale=sale,
                payment_id=payment.payment_id,
                method=payment.method,
                amount=payment.amount,
                paid_at=payment.paid_at,
            )
    except IntegrityError as exc:  # registered by a request running alongside
        raise Conflict(OTHER_PAYMENT.format(payment_id=payment.payment_id)) from exc
    return Registered(created, ACCEPTED, owed - payment.amount)


def owed_on_sale(sale: Sale) -> Decimal:
    return owed_on(sale, effective_mappings(outlet=sale.outlet).on_account_methods())
