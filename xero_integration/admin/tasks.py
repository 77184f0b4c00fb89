"""django-q2's task pages, with resubmitting a task limited to staff who may change tasks.

django-q2 registers its own admin for successful and failed tasks, whose "Resubmit
selected tasks to queue" action checks no permission: any staff user who may view the
pages could queue an export or a refresh. Registered again here with the same pages and
that action asking for the change permission.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_q import admin as q_admin
from django_q.models import Failure, Success, Task


@admin.action(description="Resubmit selected tasks to queue", permissions=["change"])
def resubmit_task(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Task]
) -> None:
    q_admin.resubmit_task(model_admin, request, queryset)


class SuccessAdmin(q_admin.TaskAdmin):
    actions = [resubmit_task]


class FailureAdmin(q_admin.FailAdmin):  # a FailAdmin still: resubmitting deletes the failure
    actions = [resubmit_task]


for model, model_admin in ((Success, SuccessAdmin), (Failure, FailureAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
