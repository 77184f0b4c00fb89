"""Creating contacts (spec createContacts: PUT /Contacts), one element at a time.

Xero keeps contact names unique across active contacts, so a second contact of one name is
refused in Xero's words; a ContactNumber is the caller's own id for the contact ("This
field is read only on the Xero contact screen, used to identify contacts in external
systems", spec Contact.ContactNumber) and is not checked for uniqueness, so a client that
creates twice gets two: it must look a number up before creating.
"""

from typing import Any

from . import reference, refusals, validation, wire
from .wire import JsonObject

MSG_NAME_REQUIRED = "The contact name is required."
MSG_NAME_TAKEN = (
    "The contact name {} is already assigned to another contact. The contact name must be "
    "unique across all active contacts."
)


def save(tenant: JsonObject, element: Any) -> tuple[bool, JsonObject]:
    errors = validation.check(validation.CONTACT, element)
    name = (element.get("Name") or "").strip() if isinstance(element, dict) else ""
    if not errors and not name:
        errors = [MSG_NAME_REQUIRED]
    same_name = reference.find_contact(tenant, {"Name": name}) if name else None
    if not errors and same_name is not None and same_name["ContactStatus"] == "ACTIVE":
        errors = [MSG_NAME_TAKEN.format(name)]
    if errors:
        body = refusals.echo(validation.CONTACT, element, "ContactID")
        return False, refusals.flagged(body, errors, "HasValidationErrors")
    contact = reference.create_contact(tenant, name)
    if element.get("ContactNumber"):
        contact["ContactNumber"] = element["ContactNumber"]
    contact["UpdatedDateUTC"] = wire.now_ms()
    return True, {**reference.public(contact), "StatusAttributeString": "OK"}
