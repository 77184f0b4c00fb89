"""A backlog larger than one run: the run queues the next at once, so a busy organisation
uses all of Xero's minute instead of idling until the next tick."""

from django_q.models import OrmQ

from xero_integration.exports import engine
from xero_integration.tasks import export_connection_task

from .test_engine import a_sale, connection, ingest  # noqa: F401


def test_a_run_that_leaves_work_due_queues_the_next_run(
    connection,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(engine, "MAX_BATCHES_PER_RUN", 1)
    monkeypatch.setattr("xero_integration.exports.delivery.BATCH_SIZE", 2)
    ingest(connection.merchant, *(a_sale(f"S1-{n}") for n in range(5)))

    with django_capture_on_commit_callbacks(execute=True):
        run = export_connection_task(connection.pk)

    assert run["sent_documents"] == 2 and run["more_due"] is True
    assert OrmQ.objects.count() == 1


def test_a_run_that_finishes_the_backlog_queues_nothing(
    connection,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    ingest(connection.merchant, a_sale("S1-1"))

    with django_capture_on_commit_callbacks(execute=True):
        run = export_connection_task(connection.pk)

    assert run["sent_documents"] == 1 and run["more_due"] is False
    assert OrmQ.objects.count() == 0
