"""The Xero contacts of on-account customers: found, or created once, by the POS customer id.

A sale paid on account is invoiced to its customer's own contact, whose ContactNumber is
the POS's customer id (spec Contact.ContactNumber: "used to identify contacts in external
systems"). Before a run sends documents, each pending one that needs a customer gets its
contact: the cache (reference data), else Xero looked up by number, else created. Xero
does not keep ContactNumber unique, so a contact is always looked up before it is
created: a creation whose answer was lost is found on the next run, never made twice.
No row lock is held across these calls (STYLE.md §9): the run's claim on the
organisation is what keeps two runs from creating one customer.
"""

import logging
import uuid

from config.errors import Conflict

from ..models import (
    ExportDocument,
    ExportStatus,
    ReferenceKind,
    ReferenceRecord,
    Sale,
    XeroConnection,
)
from ..xero import accounting
from ..xero.errors import XeroError

logger = logging.getLogger(__name__)

CONTACT_PENDING = (
    "Waiting for the Xero contact of customer '{customer_id}' to be found or created; it is "
    "tried again on the next run."
)


class CustomerContactPending(Conflict):
    """The customer's contact is not known yet (its creation failed or was not tried)."""


def customer_contact(connection: XeroConnection, customer_id: str) -> dict:
    """{"ContactID": …} of the customer's contact, from the cache (raises when unknown)."""
    record = ReferenceRecord.objects.filter(
        connection=connection, kind=ReferenceKind.CONTACTS, code=customer_id, status="ACTIVE"
    ).first()
    if record is None:
        raise CustomerContactPending(CONTACT_PENDING.format(customer_id=customer_id))
    return {"ContactID": record.xero_id}


def customers_without_contact(connection: XeroConnection) -> dict[str, str]:
    """Customer ids of pending documents whose contact is not cached, with a contact name."""
    wanted = set(
        ExportDocument.objects.filter(connection=connection, status=ExportStatus.PENDING)
        .exclude(customer_id="")
        .values_list("customer_id", flat=True)
    )
    known = set(
        ReferenceRecord.objects.filter(
            connection=connection, kind=ReferenceKind.CONTACTS, code__in=wanted, status="ACTIVE"
        ).values_list("code", flat=True)
    )
    return {customer_id: contact_name(connection, customer_id) for customer_id in wanted - known}


def contact_name(connection: XeroConnection, customer_id: str) -> str:
    """The name the POS gave the customer, with its id: Xero keeps names unique."""
    sale = Sale.objects.filter(
        document__connection=connection, document__customer_id=customer_id
    ).first()
    name = (sale.payload.get("customer_name") if sale else None) or "POS customer"
    return f"{name} ({customer_id})"[:255]


def remember(connection: XeroConnection, element: dict) -> None:
    ReferenceRecord.objects.update_or_create(
        connection=connection,
        kind=ReferenceKind.CONTACTS,
        xero_id=element["ContactID"],
        defaults={
            "code": element.get("ContactNumber") or "",
            "name": (element.get("Name") or "")[:255],
            "status": element.get("ContactStatus") or "ACTIVE",
        },
    )


def resolve_customer_contacts(connection: XeroConnection) -> int:
    """Find or create the contacts pending documents need; returns how many were created."""
    missing = customers_without_contact(connection)
    if not missing:
        return 0
    try:
        for element in accounting.find_contacts_by_number(connection, sorted(missing)):
            remember(connection, element)
            missing.pop(element.get("ContactNumber") or "", None)
        return create_contacts(connection, missing)
    except XeroError as exc:
        # The documents wait (CustomerContactPending) and the next run tries again.
        logger.warning("Customer contacts for connection %s: %s", connection.pk, exc.message)
        return 0


def create_contacts(connection: XeroConnection, missing: dict[str, str]) -> int:
    if not missing:
        return 0
    contacts = [{"Name": name, "ContactNumber": number} for number, name in sorted(missing.items())]
    answer = accounting.create_contacts(
        connection, contacts, idempotency_key=f"xb-contacts-{uuid.uuid4().hex}"
    )
    created = [element for element in answer if not accounting.element_errors(element)]
    for element in created:
        remember(connection, element)
    return len(created)
