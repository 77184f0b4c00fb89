"""Each document keeps the history of its attempts: a failed replay is a new attempt, and
old failures stay, shown resolved, once it goes out."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.sandbox_helpers import sandbox_post
from tests.xero_integration.exports import test_engine as engine
from tests.xero_integration.exports.test_engine import NOW, a_sale, ingest
from xero_integration.exports.control import replay_documents
from xero_integration.exports.engine import export_connection
from xero_integration.models import AttemptOutcome, ExportDocument

# The engine tests' per-sale realtime connection (the sandbox and quick backoff: conftest).
connection = engine.connection


def lock_period(sandbox, days_ago: int) -> None:
    lock = (NOW - datetime.timedelta(days=days_ago)).date().isoformat()
    sandbox_post(sandbox, "config", {"period_lock_date": lock})


def history(document: ExportDocument) -> list[tuple[str, str, bool]]:
    """(outcome, who replayed, superseded), oldest first."""
    rows = document.attempt_history.order_by("at", "pk")
    return [(row.outcome, row.by, row.superseded) for row in rows]


@pytest.fixture
def failed_document(sandbox, connection, outlet) -> ExportDocument:
    ingest(outlet.merchant, a_sale("OLD", hours_ago=24 * 20))
    lock_period(sandbox, days_ago=10)
    export_connection(connection_id=connection.pk)
    return ExportDocument.objects.get(number="POSS1-OLD")


def test_a_failed_replay_shows_as_a_new_attempt(failed_document, connection):
    replay_documents([failed_document], by="support")
    export_connection(connection_id=connection.pk)  # the period is still locked

    assert history(failed_document) == [
        (AttemptOutcome.FAILED, "", False),
        (AttemptOutcome.REPLAYED, "support", False),
        (AttemptOutcome.FAILED, "", False),
    ]
    first, _, second = failed_document.attempt_history.order_by("at", "pk")
    assert second.at > first.at
    assert "lock" in second.message.lower() and second.source == "xero"


def test_history_is_kept_after_success_with_old_failures_resolved(
    failed_document, sandbox, connection
):
    lock_period(sandbox, days_ago=40)  # moved back before the sale
    replay_documents([failed_document], by="support")
    export_connection(connection_id=connection.pk)

    outcomes = history(failed_document)
    assert outcomes[0] == (AttemptOutcome.FAILED, "", True)  # shown resolved
    assert (AttemptOutcome.SENT, "", False) in outcomes


def test_the_document_page_shows_every_attempt_and_who_replayed(
    failed_document, connection, admin_client
):
    url = reverse("admin:xero_integration_exportdocument_change", args=[failed_document.pk])
    admin_client.post(
        reverse("admin:xero_integration_exportdocument_retry", args=[failed_document.pk])
    )
    export_connection(connection_id=connection.pk)

    page = admin_client.get(url).content.decode()

    shown = re.findall(r'field-what_happened">\s*<p>([^<]*)</p>', page)
    assert shown == ["Failed", "Replayed by a person", "Failed"]  # newest first
    assert re.findall(r'field-by">\s*<p>([^<]*)</p>', page)[1] == "admin"


def test_each_payment_xero_accepted_opens_in_xero(connection, outlet, admin_client):
    ingest(outlet.merchant, a_sale("A1"))
    export_connection(connection_id=connection.pk)
    document = ExportDocument.objects.get()
    url = reverse("admin:xero_integration_exportdocument_change", args=[document.pk])

    page = admin_client.get(url).content.decode()

    [(reference, payment_id)] = document.xero_payment_ids.items()
    assert reference == "POSS1-A1 card" and payment_id
    assert f"bankTransactionID%3D{payment_id}" in page
    assert "POSS1-A1 card: open in Xero" in page


def test_resolving_by_hand_is_kept_with_who_did_it(failed_document):
    from xero_integration.exports.control import mark_resolved

    mark_resolved(ExportDocument.objects.filter(pk=failed_document.pk), by="support")

    assert history(failed_document)[-1] == (AttemptOutcome.RESOLVED, "support", False)
