"""The worker's task pages (django-q2's admin): resubmitting a task needs a change permission."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_q.models import Failure, OrmQ


@pytest.fixture
def failed_task(db):
    now = timezone.now()
    return Failure.objects.create(
        id="a" * 32,
        name="export-1",
        func="xero_integration.tasks.export_connection_task",
        args=(1,),
        started=now,
        stopped=now,
        success=False,
    )


def resubmit(client, task):
    return client.post(
        reverse("admin:django_q_failure_changelist"),
        {"action": "resubmit_task", "_selected_action": [task.pk]},
    )


def test_staff_who_may_only_view_tasks_cannot_resubmit_them(client, viewer, failed_task):
    client.force_login(viewer)

    resubmit(client, failed_task)

    assert not OrmQ.objects.exists()
    assert Failure.objects.filter(pk=failed_task.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_staff_who_may_change_failed_tasks_can_resubmit_them(client, staff_user, failed_task):
    user = staff_user("django_q.view_failure", "django_q.change_failure")
    user.groups.add(Group.objects.create(name="Operations"))  # the task pages are theirs
    client.force_login(user)

    resubmit(client, failed_task)

    assert OrmQ.objects.count() == 1
    assert not Failure.objects.filter(pk=failed_task.pk).exists()
