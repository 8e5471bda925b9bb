"""The WSGI application gunicorn serves in the enrolment burst: the platform with `bench.settings`.

Mails are recorded in the outbox as on every enrolment, but not queued. In production a Celery worker
delivers them; the benchmark runs without a broker, where Celery would render and send each mail inside
the request, which is not what a person waits for in production.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

application = get_wsgi_application()

from outbox import queue  # noqa: E402 - needs the apps loaded above

queue.enqueue = lambda task, *args, **options: True
