"""Refresh requests are coalesced per connection: Xero's 60 calls a minute are shared with
exports, and one refresh already queued fetches what every later request would."""

import pytest
from django_q.models import OrmQ

from tests.sandbox_helpers import connect, sandbox_for
from xero_integration import tasks
from xero_integration.models import SyncLog

URL = "/api/xero/reference-data/refresh"


def refresh(api):
    return api.post(URL, {"merchant_id": "M-ALLOWED"}, format="json")


# Committed for real: a task is queued once its request's transaction commits.
@pytest.mark.django_db(transaction=True)
def test_refresh_requests_while_one_is_queued_join_it(api, connection):
    first = refresh(api)
    others = [refresh(api) for _ in range(19)]

    assert OrmQ.objects.count() == 1
    task_id = first.json()["task_id"]
    assert task_id and first.json()["already_queued"] is False
    assert {(r.status_code, r.json()["task_id"], r.json()["already_queued"]) for r in others} == {
        (202, task_id, True)
    }


@pytest.mark.django_db(transaction=True)
def test_refresh_requested_once_the_queued_one_started_is_queued_again(
    api, client, merchant, settings
):
    with sandbox_for(settings):
        connection = connect(client, merchant)  # connecting queues the first refresh
        assert refresh(api).json()["already_queued"] is True

        tasks.refresh_reference_data_task(connection.pk)
        again = refresh(api)

    assert again.json()["already_queued"] is False
    refreshes = [q for q in OrmQ.objects.all() if q.func().endswith("refresh_reference_data_task")]
    assert len(refreshes) == 2  # connecting also queued an export
    assert SyncLog.objects.filter(operation="get_accounts").count() == 1  # one refresh ran
