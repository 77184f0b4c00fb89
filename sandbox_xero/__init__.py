"""A stand-in for Xero's identity and Accounting APIs, for development and end-to-end tests.

Pure standard library; never imports Django. See server.make_server and server.running_sandbox.

Accounting API answers are JSON only for a request that says `Accept: application/json`;
otherwise they are Xero's XML (`text/xml`), as Xero answers by default (xmlreply.py).

Config (state.DEFAULT_CONFIG) is set by running_sandbox(**config), POST /_sandbox/config or a
flag of `python -m sandbox_xero` (--help lists them). Where Xero may answer either way the
sandbox has a switch, so tests can cover both; its default is the strict choice wherever
Xero documents strictness:

- unique_numbers (default true): a second ACCREC invoice or ACCRECCREDIT credit note with a
  number already in use is refused ("Invoice # must be unique.", spec example). Off, the
  duplicate is stored: the service's exactly-once proof must not lean on this check.
- idempotency_caches_errors (default true): a 5xx answered to a write with an
  Idempotency-Key (a `server_error` fault) is kept under that key, and a replay within
  idempotency_seconds gets the same 5xx, although nothing was stored (notes §3: Xero caches
  errors). Off, the replay is processed afresh.
- refuse_sub_cent_payments (default true): a payment Amount with a fraction of a cent
  (115.005) is refused with a validation error, not rounded (notes §9, "Decimal rounding":
  Xero rejects payments of 3 dp amounts). Off, it is rounded half-up to cents.
- not_modified_304 (default true): a GET of Accounts, Contacts, Invoices, CreditNotes or
  Payments with If-Modified-Since (spec ifModifiedSince) when no record of the collection
  changed since then is answered 304 with an empty body. Off, 200 with an empty list.

Faults (POST /_sandbox/faults, faults.py): the next `count` matching calls, or a seeded
`rate` of them until cleared, answer 429 or 5xx, answer slowly, or lose the answer after
storing; GET /_sandbox/faults counts what was served by kind. POST
/_sandbox/account-status {"tenant_id", "code", "status": "ARCHIVED"} archives an account as a
person does in Xero, so fixes by a mapping change can be tested.

Limits (0 turns each off):

- max_request_bytes (default 3500000): a larger request body gets 413 in Xero's shape,
  {"Title": "RequestEntityTooLarge", "Detail": "PayloadTooLarge", …} (notes §4: "A single
  POST to the Accounting or Payroll APIs has a size limit of 3.5MB"; Xero-Java#349).
- max_elements_per_request (default 50): a batch with more elements is refused whole with a
  400 ValidationException. Xero documents no such limit ("There is no limit to the number
  of elements within a request") but recommends batches of up to 50 (notes §4); the sandbox
  holds clients to that advice.
- webhook_url (default empty): where POST /_sandbox/change-document
  voids, deletes, unpays or edits a document as a person would in Xero, then sends the
  webhook event Xero would send (an UPDATE in xero-webhooks.yaml's WebhookEvent shape) to
  webhook_url, signed with webhook_key in `x-xero-signature` (base64 HMAC-SHA256 of the
  body, notes §7). The control's answer carries the event's raw body and signature either
  way, so a test can deliver it itself.
- webhook_key (default empty): the key those events are signed with.
"""

from .server import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SandboxServer,
    make_server,
    running_sandbox,
)

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "SandboxServer",
    "make_server",
    "running_sandbox",
]
