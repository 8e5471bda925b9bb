"""Queueing a task without ever failing the request that queues it.

The work is recorded in the database before it is queued, so a broker that cannot be reached only delays it:
the periodic sweep queues it again.
"""

import logging

from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, RedisConnectionError, OSError)


def enqueue(task, *args, **options) -> bool:
    """Queue `task(*args)` (options go to `apply_async`) and say whether it worked; never raise.

    With tasks running inline (no broker), a failing task is logged too: what it owes stays recorded.
    """
    try:
        task.apply_async(args=args, **options)
    except BROKER_ERRORS as error:
        logger.warning("Could not queue %s%r, the sweep will queue it again: %s", task.name, args, error)
        return False
    except Exception:
        if not task.app.conf.task_always_eager:
            raise
        logger.exception("%s%r failed inline; the sweep will try again", task.name, args)
        return False
    return True
