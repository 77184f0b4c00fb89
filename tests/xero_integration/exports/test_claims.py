"""An export run's claim on its organisation: a short lease, renewed while the run is alive."""

import datetime
import time

import pytest
from django.db import Error as DatabaseDriverError
from django.db import connection as db_connection
from django.utils import timezone

from tests.factories import XeroConnectionFactory
from xero_integration.exports.claims import Lease, claim_connection, release_connection
from xero_integration.exports.selectors import export_run
from xero_integration.models import ExportDocument, ExportStatus, XeroConnection


def claimed_until(connection: XeroConnection) -> datetime.datetime:
    until = XeroConnection.objects.get(pk=connection.pk).export_claimed_until
    assert until is not None
    return until


def released(connection: XeroConnection) -> bool:
    return XeroConnection.objects.get(pk=connection.pk).export_claimed_until is None


def claim(connection: XeroConnection) -> str:
    token = claim_connection(connection.pk)
    assert token is not None
    return token


def lapse(connection: XeroConnection, seconds_ago: int = 1) -> None:
    """As if the run holding it died: its lease ran out without being renewed."""
    XeroConnection.objects.filter(pk=connection.pk).update(
        export_claimed_until=timezone.now() - datetime.timedelta(seconds=seconds_ago)
    )


def in_flight_document(connection: XeroConnection, outlet, number: str) -> ExportDocument:
    return ExportDocument.objects.create(
        outlet=outlet,
        connection=connection,
        kind="invoice",
        grouping="per_sale",
        number=number,
        business_date=datetime.date(2026, 11, 23),
        currency="AUD",
        status=ExportStatus.SENDING,
        not_before=timezone.now() - datetime.timedelta(minutes=5),
    )


def test_a_claim_lasts_only_the_lease(outlet, settings):
    settings.EXPORT_CLAIM_LEASE_SECONDS = 20
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)

    claim_connection(connection.pk)

    remaining = claimed_until(connection) - timezone.now()
    assert datetime.timedelta(seconds=15) < remaining <= datetime.timedelta(seconds=20)


def test_a_dead_runs_claim_is_taken_over_once_its_lease_ran_out(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    claim_connection(connection.pk)
    assert claim_connection(connection.pk) is None

    lapse(connection)

    assert claim_connection(connection.pk) is not None
    assert XeroConnection.objects.get(pk=connection.pk).stale_claim_recovered_at is not None


def test_a_dead_runs_last_call_is_given_its_timeout_before_it_is_recovered(outlet, settings):
    settings.XERO_TIMEOUT_SECONDS = 30
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    claim_connection(connection.pk)
    document = in_flight_document(connection, outlet, "POSS1-A1")
    lapse(connection, seconds_ago=5)

    claim_connection(connection.pk)

    document.refresh_from_db()
    wait = document.not_before - timezone.now()
    assert datetime.timedelta(seconds=20) < wait <= datetime.timedelta(seconds=25)


def test_a_released_claim_is_not_counted_as_stale(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    token = claim(connection)
    release_connection(connection.pk, token)

    claim_connection(connection.pk)

    assert XeroConnection.objects.get(pk=connection.pk).stale_claim_recovered_at is None


def test_a_live_run_renews_its_lease(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    token = claim(connection)
    lapse(connection, seconds_ago=-2)  # about to run out

    with Lease(connection.pk, token) as held:
        assert held.still_ours()
        assert claimed_until(connection) > timezone.now() + datetime.timedelta(seconds=10)


def test_a_run_that_lost_its_claim_stops(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    token = claim(connection)
    lapse(connection)
    claim_connection(connection.pk)  # another run takes it over

    with Lease(connection.pk, token) as held:
        assert held.still_ours() is False


def test_leaving_a_lease_releases_the_claim(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    token = claim(connection)

    with Lease(connection.pk, token):
        pass

    assert released(connection)


def test_status_shows_the_run_holding_the_organisation_and_a_stale_claim(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    claim_connection(connection.pk)
    connection.refresh_from_db()
    running = export_run(connection)
    lapse(connection)
    connection.refresh_from_db()
    stale = export_run(connection)

    assert running["export_running_since"] is not None
    assert running["export_claim_stale_since"] is None
    assert stale["export_running_since"] is None
    assert stale["export_claim_stale_since"] == connection.export_claimed_until


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_the_lease_alive_while_the_run_waits(outlet, settings):
    # Committed for real: the heartbeat renews from its own database connection.
    settings.EXPORT_CLAIM_LEASE_SECONDS = 2
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)
    token = claim(connection)

    with Lease(connection.pk, token) as held:
        time.sleep(3)  # a long call to Xero: longer than the lease
        assert claimed_until(connection) > timezone.now()
        assert claim_connection(connection.pk) is None
        assert not held.lost

    assert released(connection)


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_database_session_died_frees_its_organisation_at_once(outlet):
    connection = XeroConnectionFactory.create(merchant=outlet.merchant)

    with pytest.raises(DatabaseDriverError), Lease(connection.pk, claim(connection)):
        db_connection.ensure_connection()
        db_connection.connection.close()  # the session is gone under the run (terminated)
        XeroConnection.objects.get(pk=connection.pk)  # the run's next query fails

    assert released(connection)
