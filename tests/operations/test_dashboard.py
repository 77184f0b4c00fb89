"""The operations dashboard: staff only, every outlet's state and why it waits, totals
beside Xero's, limits, and the latest failures with a replay button."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone
from django_q.models import OrmQ

from mappings.services import replace_mappings
from operations.dashboard.outlets import WAITS_MANUAL, WAITS_RETRY
from outlets.models import ExportFrequency
from xero_integration.exports import readiness
from xero_integration.models import ExportStatus, SyncLog, XeroCallSlot

from .conftest import XERO_LOCKED, a_document, a_failed_document, a_sale

DASHBOARD = "/admin/dashboard/"


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def text(response) -> str:
    """The page as a person reads it: tags out, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def map_all(merchant):
    for mapping_type, pairs in {
        "revenue": [("*", "200")],
        "payments": [("card", "090")],
        "tax": [("GST10", "OUTPUT")],
        "special": [("contact", "POS Sales"), ("rounding", "860")],
    }.items():
        replace_mappings(merchant=merchant, outlet=None, mapping_type=mapping_type, pairs=pairs)


def test_the_dashboard_is_for_staff_behind_the_admin_login(client, db):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/dashboard/")


def test_the_admin_index_links_the_dashboard_and_view_site_goes_to_the_landing_page(staff):
    page = staff.get("/admin/").content.decode()

    assert 'href="/admin/dashboard/"' in page
    assert '<a href="/">View site</a>' in page


def test_a_failed_export_shows_with_xeros_message_and_a_replay_button(staff, export_outlet):
    failed = a_failed_document(export_outlet, "POSS1-B1")

    response = staff.get(DASHBOARD)

    page = text(response)
    assert "POSS1-B1" in page and XERO_LOCKED in page
    assert f'action="/admin/dashboard/replay/{failed.pk}"' in response.content.decode()
    assert "Front counter" in page and "Harbour Cafe Pty Ltd" in page


def test_replay_sends_the_failed_export_again(
    staff, export_outlet, django_capture_on_commit_callbacks
):
    failed = a_failed_document(export_outlet)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/dashboard/replay/{failed.pk}")

    failed.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == "/admin/dashboard/#failures"
    assert failed.status == ExportStatus.PENDING and failed.body == ""
    assert OrmQ.objects.count() == 1  # the export run for its organisation
    page = text(staff.get(DASHBOARD))
    assert "Export POSS1-B1 replayed" in page and "No failed exports." in page


def test_replaying_twice_says_there_is_nothing_to_replay(staff, export_outlet):
    failed = a_failed_document(export_outlet)
    staff.post(f"/admin/dashboard/replay/{failed.pk}")

    response = staff.post(f"/admin/dashboard/replay/{failed.pk}", follow=True)

    assert "Export POSS1-B1 is not failed any more: nothing to replay." in text(response)


def test_staff_without_the_permission_see_no_replay_button_and_cannot_replay(client, export_outlet):
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_exportdocument"))
    client.force_login(viewer)
    failed = a_failed_document(export_outlet)

    page = client.get(DASHBOARD).content.decode()
    response = client.post(f"/admin/dashboard/replay/{failed.pk}", follow=True)

    failed.refresh_from_db()
    assert "/admin/dashboard/replay/" not in page
    assert response.status_code == 403 and failed.status == ExportStatus.FAILED


def test_an_outlet_shows_its_counts_and_why_its_oldest_sale_waits(staff, export_outlet):
    a_sale(export_outlet, "OLDEST", received_at=timezone.now() - datetime.timedelta(hours=3))
    a_sale(export_outlet, "NEWER")
    a_failed_document(export_outlet)

    row = text(staff.get(DASHBOARD)).split("Front counter", 1)[1]

    assert "OLDEST" in row
    assert readiness.NO_REFERENCE_DATA in row and readiness.MAPPINGS_MISSING in row


def test_a_ready_outlet_says_which_schedule_or_retry_its_sale_waits_for(
    staff, export_outlet, connection_ready
):
    export_outlet.export_settings.frequency = ExportFrequency.MANUAL
    export_outlet.export_settings.save()
    a_sale(export_outlet, "B1")
    assert WAITS_MANUAL in text(staff.get(DASHBOARD))

    retrying = a_document(
        export_outlet,
        "POSS1-B2",
        status=ExportStatus.PENDING,
        last_error="Xero answered HTTP 503.",
        not_before=timezone.now() + datetime.timedelta(minutes=5),
    )
    a_sale(
        export_outlet,
        "B2",
        document=retrying,
        received_at=timezone.now() - datetime.timedelta(hours=1),
    )

    page = text(staff.get(DASHBOARD))
    assert WAITS_RETRY.split("{")[0] in page and "Xero answered HTTP 503." in page


@pytest.fixture
def connection_ready(export_outlet):
    from tests.factories import seed_reference_data

    seed_reference_data(export_outlet.merchant.xero_connections.get())
    map_all(export_outlet.merchant)


def test_times_are_shown_in_the_outlets_zone_labelled(staff, export_outlet):
    sent_at = datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC)
    document = a_document(export_outlet, "POSS1-B1")
    type(document).objects.filter(pk=document.pk).update(sent_at=sent_at)

    page = text(staff.get(DASHBOARD))

    assert "16 Jan 2026 10:30 AEDT" in page  # Sydney is UTC+11 in January


def test_charts_and_organisations_use_the_viewers_zone(staff, export_outlet):
    page = text(staff.get(DASHBOARD, {"tz": "America/New_York"}))

    assert "per hour (America/New_York)" in page and "yours ( America/New_York )" in page


def test_per_business_day_pos_totals_stand_beside_what_xero_holds(staff, export_outlet):
    day = timezone.now().date()
    sent = a_document(export_outlet, "POSS1-B1", total="9.00", business_date=day)
    a_sale(export_outlet, "B1", total="9.00", document=sent, business_date=day)
    a_sale(export_outlet, "B2", total="5.50", business_date=day)
    a_sale(export_outlet, "R1", total="2.00", business_date=day, type="refund")

    row = text(staff.get(DASHBOARD)).split("POS totals beside", 1)[1]

    assert "AUD 12.50 9.00 3.50" in row


def test_exports_per_hour_and_organisation_limits_are_counted(staff, export_outlet):
    connection = export_outlet.merchant.xero_connections.get()
    now = timezone.now()
    for outcome in ["success", "success", "failed"]:
        SyncLog.objects.create(
            operation="create_invoices",
            method="PUT",
            url="x",
            outcome=outcome,
            correlation_id="c",
            created_at=now,
        )
    for seconds in (5, 30, 3600):
        XeroCallSlot.objects.create(
            tenant_id=connection.tenant_id, started_at=now - datetime.timedelta(seconds=seconds)
        )

    page = text(staff.get(DASHBOARD))

    assert "per hour (UTC): 2 succeeded, 1 failed" in page
    assert "2 / 60" in page and "3 / 5000" in page


def test_a_zone_that_is_not_one_falls_back_to_the_browsers_then_the_default(staff, export_outlet):
    staff.cookies["xb_tz"] = "Europe/Paris"

    assert "per hour (Europe/Paris)" in text(staff.get(DASHBOARD, {"tz": "../../etc/passwd"}))
    staff.cookies["xb_tz"] = "Not/AZone"
    assert "per hour (UTC)" in text(staff.get(DASHBOARD))


def test_a_days_journal_counts_its_net_takings_beside_the_pos_totals(staff, export_outlet):
    day = timezone.now().date()
    journal = a_document(
        export_outlet, "POSS1 POS takings", kind="manual_journal", total="7.00", business_date=day
    )
    a_sale(export_outlet, "B1", total="9.00", document=journal, business_date=day)
    a_sale(export_outlet, "R1", total="2.00", document=journal, business_date=day, type="refund")

    row = text(staff.get(DASHBOARD)).split("POS totals beside", 1)[1]

    assert "AUD 7.00 7.00 0.00" in row
