"""Links that open a document or payment in Xero's own web app ("Open in Xero").

Xero's web app opens a record by its id. When the organisation's short code is known
(Organisation.ShortCode, kept by the reference-data refresh), the link goes through
Xero's organisation login, so it opens in the right organisation even when the person's
last one was another; otherwise it opens in whichever organisation they last used.
Paths as in Xero's own deep links (XeroAPI/xero-mcp-server, src/consts/deeplinks.ts).
"""

from urllib.parse import quote

from ..models import DocumentKind, ReferenceSnapshot, XeroConnection

XERO_APP = "https://go.xero.com"
PAYMENT = "payment"
PATHS = {
    DocumentKind.INVOICE.value: "/AccountsReceivable/View.aspx?InvoiceID={id}",
    DocumentKind.CREDIT_NOTE.value: "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={id}",
    # A payment opens as the bank transaction Xero made of it.
    PAYMENT: "/Bank/ViewTransaction.aspx?bankTransactionID={id}",
}
ORGANISATION_KIND = "organisation"  # connection.reference_data.ORGANISATION


def short_code(connection: XeroConnection) -> str:
    snapshot = ReferenceSnapshot.objects.filter(
        connection=connection, kind=ORGANISATION_KIND
    ).first()
    return str(snapshot.data.get("ShortCode") or "") if snapshot else ""


def xero_link(*, kind: str, xero_id: str, organisation_short_code: str = "") -> str:
    """The URL that opens the record in Xero, or "" while Xero has not given it an id."""
    if not xero_id:
        return ""
    path = PATHS[kind].format(id=quote(xero_id, safe=""))
    if not organisation_short_code:
        return XERO_APP + path
    code = quote(organisation_short_code, safe="")
    return f"{XERO_APP}/organisationlogin/default.aspx?shortcode={code}&redirecturl={quote(path, safe='')}"
