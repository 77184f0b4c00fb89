"""GET /api/health (and /healthz) says ok only when the database answers, a worker was
seen within the last minute and no task has waited over five minutes."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from django_q.models import OrmQ

from operations import heartbeat
from operations.models import WorkerHeartbeat
from xero_integration.models import SyncLog


@pytest.fixture
def live_worker(db):
    heartbeat.beat(name="worker-host:4242")


def queued_task(age: datetime.timedelta) -> OrmQ:
    return OrmQ.objects.create(key="xero-bridge", payload="x", lock=timezone.now() - age)


def a_sync_log(outcome, minutes_ago=5):
    return SyncLog.objects.create(
        operation="create_invoices",
        method="PUT",
        url="https://x/Invoices",
        outcome=outcome,
        correlation_id="c",
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_health_is_ok_with_a_live_worker_and_a_moving_queue(anonymous_api, live_worker):
    queued_task(datetime.timedelta(seconds=30))
    a_sync_log(SyncLog.Outcome.SUCCESS)
    a_sync_log(SyncLog.Outcome.SUCCESS)
    a_sync_log(SyncLog.Outcome.PARTIAL)
    a_sync_log(SyncLog.Outcome.FAILED, minutes_ago=90)  # before the last hour

    response = anonymous_api.get("/api/health")

    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["queue"]["queued"] == 1 and 29 <= body["queue"]["oldest_age_s"] < 60
    assert body["workers"]["alive"] == 1 and body["workers"]["last_heartbeat_at"]
    assert body["sync_1h"] == {"success": 2, "failed": 1}
    assert body["db_latency_ms"] >= 0 and body["version"] == "0.1.0"


def test_no_worker_seen_for_a_minute_is_degraded(anonymous_api, db):
    heartbeat.beat(name="worker-host:1", now=timezone.now() - datetime.timedelta(seconds=61))

    body = anonymous_api.get("/api/health").json()

    assert body["status"] == "degraded" and body["workers"]["alive"] == 0


def test_a_task_queued_over_five_minutes_is_degraded(anonymous_api, live_worker):
    queued_task(datetime.timedelta(minutes=6))
    queued_task(datetime.timedelta(seconds=1))

    body = anonymous_api.get("/api/health").json()

    assert body["status"] == "degraded" and body["queue"]["queued"] == 2


def test_a_task_a_worker_holds_is_not_queued(anonymous_api, live_worker):
    # The ORM broker moves `lock` into the future when a worker takes a task.
    OrmQ.objects.create(
        key="xero-bridge", payload="x", lock=timezone.now() + datetime.timedelta(minutes=4)
    )

    body = anonymous_api.get("/api/health").json()

    assert body["queue"] == {"queued": 0, "oldest_age_s": None} and body["status"] == "ok"


def refuse_every_query(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 refused")


def test_a_database_that_does_not_answer_is_down_with_503(anonymous_api, db):
    with connection.execute_wrapper(refuse_every_query):
        response = anonymous_api.get("/api/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and body["db_latency_ms"] is None
    assert body["queue"] == {"queued": None, "oldest_age_s": None}
    assert body["workers"] == {"alive": None, "last_heartbeat_at": None}


def test_healthz_is_the_same_check(anonymous_api, db, settings):
    settings.HEALTH_CACHE_SECONDS = 0
    response = anonymous_api.get("/healthz")

    assert response.status_code == 200 and response.json()["status"] == "degraded"
    with connection.execute_wrapper(refuse_every_query):
        assert anonymous_api.get("/healthz").status_code == 503


def test_the_answer_is_cached_for_a_moment(anonymous_api, db, settings):
    settings.HEALTH_CACHE_SECONDS = 60
    assert anonymous_api.get("/api/health").json()["workers"]["alive"] == 0

    heartbeat.beat(name="worker-host:7")

    assert anonymous_api.get("/api/health").json()["workers"]["alive"] == 0


def test_heartbeats_are_one_row_per_process_and_gone_processes_are_forgotten(db):
    now = timezone.now()
    heartbeat.beat(name="a:1", now=now - datetime.timedelta(days=2))
    heartbeat.beat(name="b:2", now=now)
    heartbeat.beat(name="b:2", now=now)

    assert heartbeat.forget_gone(now) == 1
    assert list(WorkerHeartbeat.objects.values_list("name", "host", "pid")) == [("b:2", "b", 2)]
