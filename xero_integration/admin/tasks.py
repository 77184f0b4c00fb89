"""django-q2's task pages: for superusers and operations staff only, with resubmitting a
task limited to staff who may change tasks.

django-q2 registers its own admin for tasks, schedules and the queue. Finance staff have
no use for them (a worker's task arguments and tracebacks are plumbing), so they are shown
only to superusers and members of the operations group (OPERATIONS_GROUP), and then only
as far as their Django permissions go. django-q2's "Resubmit selected tasks to queue"
action checks no permission: here it asks for the change permission.
"""

from django.conf import settings
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django_q import admin as q_admin
from django_q.models import Failure, OrmQ, Schedule, Success, Task


def is_operations_staff(request: HttpRequest) -> bool:
    user = request.user
    if user.is_superuser:
        return True
    return user.is_active and user.groups.filter(name=settings.OPERATIONS_GROUP).exists()


class OperationsOnly(admin.ModelAdmin):
    """Every permission of the page also needs the person to be operations staff."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operations_staff(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_operations_staff(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operations_staff(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_operations_staff(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_operations_staff(request) and super().has_delete_permission(request, obj)


@admin.action(description="Resubmit selected tasks to queue", permissions=["change"])
def resubmit_task(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Task]
) -> None:
    q_admin.resubmit_task(model_admin, request, queryset)


class SuccessAdmin(OperationsOnly, q_admin.TaskAdmin):
    actions = [resubmit_task]


class FailureAdmin(
    OperationsOnly, q_admin.FailAdmin
):  # a FailAdmin still: resubmitting deletes the failure
    actions = [resubmit_task]


class ScheduleAdmin(OperationsOnly, q_admin.ScheduleAdmin):
    pass


class QueueAdmin(OperationsOnly, q_admin.QueueAdmin):
    pass


for model, model_admin in (
    (Success, SuccessAdmin),
    (Failure, FailureAdmin),
    (Schedule, ScheduleAdmin),
    (OrmQ, QueueAdmin),
):
    # django-q2 registers the queue only with its ORM broker: replace what it registered.
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
