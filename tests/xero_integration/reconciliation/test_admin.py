"""The admin: a calendar of each outlet's days, the backfill page, and the decisions."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from tests.xero_integration.exports.test_lock_dates import lock_books
from xero_integration.models import ExportDocument, ReconciliationDay, Sale
from xero_integration.reconciliation.services import reconcile_outlet

from .conftest import a_sale, change_in_xero, export_all, ingest

CALENDAR = "admin:xero_integration_reconciliationday_calendar"
BACKFILL = "admin:xero_integration_reconciliationday_backfill"
DOCUMENTS = "admin:xero_integration_exportdocument_changelist"


def stored_day(outlet, day, status):
    return ReconciliationDay.objects.create(
        outlet=outlet, business_date=day, status=status, checked_at=timezone.now()
    )


def test_calendar_colours_each_reconciled_day_of_the_month(admin_client, outlet):
    red = stored_day(outlet, datetime.date(2026, 11, 3), "red")
    stored_day(outlet, datetime.date(2026, 11, 4), "green")

    response = admin_client.get(reverse(CALENDAR), {"outlet": outlet.pk, "month": "2026-11"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="day red"' in page and 'class="day green"' in page
    assert reverse("admin:xero_integration_reconciliationday_change", args=[red.pk]) in page
    assert page.count('class="day none"') == 28  # November's other days: not read back


def test_calendar_month_read_back_is_queued_for_the_worker(
    admin_client, outlet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse(CALENDAR) + f"?outlet={outlet.pk}&month=2026-11", {})

    assert response.status_code == 302
    spans = sorted(q.task["args"] for q in OrmQ.objects.all())
    assert (spans[0], spans[-1], len(spans)) == (
        (outlet.pk, "2026-11-01", "2026-11-07"),
        (outlet.pk, "2026-11-29", "2026-11-30"),
        5,
    )


def test_backfill_page_dry_run_lists_the_missing_days(admin_client, sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1", days_ago=2))
    export_all(outlet, connection)
    ingest(outlet.merchant, a_sale("A2", days_ago=1))
    days = sorted({s.business_date for s in Sale.objects.all()})

    response = admin_client.post(
        reverse(BACKFILL),
        {"outlet": outlet.pk, "start": days[0], "end": days[-1], "dry_run": "on"},
    )

    page = response.content.decode()
    assert "Would send: 1 document(s) on 1 day(s)" in page
    assert f"<td>{days[-1]:%Y-%m-%d}</td><td>POSS1-A2</td>" in page


def test_backfill_page_says_a_locked_day_would_be_held(admin_client, sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1", days_ago=2))
    day = Sale.objects.get().business_date
    lock_books(sandbox, connection, day)

    response = admin_client.post(
        reverse(BACKFILL), {"outlet": outlet.pk, "start": day, "end": day, "dry_run": "on"}
    )

    assert f"<td>Dated {day}, inside the period Xero has locked" in response.content.decode()


def test_reexport_action_sends_the_voided_document_under_a_new_number(
    admin_client, sandbox, connection, outlet
):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)
    change_in_xero(sandbox, "POSS1-A1", status="VOIDED")
    day = Sale.objects.get().business_date
    reconcile_outlet(outlet=outlet, start=day, end=day)
    document = ExportDocument.objects.get(number="POSS1-A1")

    admin_client.post(reverse(DOCUMENTS), {"action": "reexport", "_selected_action": [document.pk]})

    assert Sale.objects.filter(document__number="POSS1-A1-R1").count() == 1


def test_accept_action_turns_the_day_amber(admin_client, sandbox, connection, outlet):
    ingest(outlet.merchant, a_sale("A1"))
    export_all(outlet, connection)
    change_in_xero(sandbox, "POSS1-A1", status="DELETED")
    day = Sale.objects.get().business_date
    reconcile_outlet(outlet=outlet, start=day, end=day)
    document = ExportDocument.objects.get(number="POSS1-A1")

    admin_client.post(
        reverse(DOCUMENTS), {"action": "accept_xero_change", "_selected_action": [document.pk]}
    )

    assert reconcile_outlet(outlet=outlet, start=day, end=day)[0].status == "amber"
