import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("regionallabore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

REQUEST_ID_HEADER = "request_id"


# A task's log lines carry the id of the request that queued it (log_request_id keeps it per thread).
@before_task_publish.connect
def _pass_request_id(headers=None, **kwargs):
    from log_request_id import local

    request_id = getattr(local, "request_id", None)
    if headers is not None and request_id:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@task_prerun.connect
def _take_request_id(task=None, **kwargs):
    from log_request_id import local

    request_id = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    if request_id:
        local.request_id = request_id


@task_postrun.connect
def _drop_request_id(**kwargs):
    from log_request_id import local

    if hasattr(local, "request_id"):
        del local.request_id
