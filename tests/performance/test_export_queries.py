"""An export run reads each outlet's mappings and contact once, not once per document or
batch, and records each batch's answer in one transaction."""

from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outlets.services import update_export_settings
from tests.factories import XeroConnectionFactory
from xero_integration.exports.engine import export_connection
from xero_integration.exports.planning import plan_outlet
from xero_integration.models import ExportDocument, Sale

from ..xero_integration.exports.test_due import a_stored_sale
from ..xero_integration.exports.test_engine import (  # noqa: F401
    a_sale,
    connection,
    ingest,
)


def reads_of_mappings(run_connection, sales: int, first: int) -> int:
    ingest(run_connection.merchant, *(a_sale(f"S1-{first + n}") for n in range(sales)))
    with CaptureQueriesContext(db) as captured:
        run = export_connection(connection_id=run_connection.pk)
    assert run.sent_documents == sales and run.paid_documents == sales
    # MySQL quotes names with backticks.
    sqls = (q["sql"].replace("`", '"') for q in captured)
    return sum(sql.startswith('SELECT "mappings_mapping"."id"') for sql in sqls)


def test_mappings_are_read_once_per_run_however_many_batches(connection, monkeypatch):  # noqa: F811
    monkeypatch.setattr("xero_integration.exports.delivery.BATCH_SIZE", 2)

    reads_of_mappings(connection, 1, first=0)  # readiness checks the mappings (then cached)
    two_batches = reads_of_mappings(connection, 3, first=10)
    five_batches = reads_of_mappings(connection, 9, first=100)

    # The planner's (which payment methods are on account) and the run's context of the
    # outlet: the same however many batches.
    assert two_batches == five_batches == 2
    assert ExportDocument.objects.filter(status="sent", payments_status="sent").count() == 13


def queries_to_plan(outlet, plan_connection, sales: int, first: int) -> int:
    for n in range(sales):
        a_stored_sale(outlet, sale_id=f"P{first + n}")
    with CaptureQueriesContext(db) as captured:
        planned = plan_outlet(outlet=outlet, connection=plan_connection, now=timezone.now())
    assert planned == sales
    return len(captured)


def test_per_sale_planning_uses_the_same_queries_for_3_or_20_sales(outlet):
    update_export_settings(outlet=outlet, grouping="per_sale", frequency="realtime")
    plan_connection = XeroConnectionFactory.create(merchant=outlet.merchant)

    few = queries_to_plan(outlet, plan_connection, 3, first=0)
    # 20: SQLite splits an INSERT at 999 parameters, about 28 documents of the model's columns.
    many = queries_to_plan(outlet, plan_connection, 20, first=100)

    assert many == few
    assert not Sale.objects.filter(document__isnull=True).exists()
    assert ExportDocument.objects.count() == Sale.objects.count() == 23


def statements_on(table: str, captured) -> int:
    sqls = (q["sql"].replace("`", '"') for q in captured)
    return sum(f'"{table}"' in sql and not sql.startswith("SELECT") for sql in sqls)


def history_writes_of_a_run(run_connection, sales: int, first: int) -> int:
    ingest(run_connection.merchant, *(a_sale(f"S1-{first + n}") for n in range(sales)))
    with CaptureQueriesContext(db) as captured:
        run = export_connection(connection_id=run_connection.pk)
    assert run.sent_documents == sales and run.paid_documents == sales
    return statements_on("xero_integration_exportattempt", captured)


def test_a_batchs_successes_are_recorded_in_the_same_statements_for_2_or_20_documents(
    connection,  # noqa: F811
):
    few = history_writes_of_a_run(connection, 2, first=0)
    many = history_writes_of_a_run(connection, 20, first=100)

    # Per lane (documents, payments): earlier problems marked resolved, then one INSERT.
    assert few == many == 4
