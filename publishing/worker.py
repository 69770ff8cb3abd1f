"""The background worker that does not give up: Django's database worker, supervised.

`manage.py db_worker` (django-tasks-db) ends when the database stays locked longer
than its busy timeout, and a job whose worker was killed stays "running" for ever.
This worker
- waits out a locked database (SQLite during a long import or a backup) and goes on;
- queues again the jobs of workers that were lost (`jobs.recover_interrupted`): at its
  start, and then every PDF_JOB_STALE_SECONDS / 2 in a thread of its own.
Starting a worker again after it exits is the supervisor's work (scripts/with-worker.sh,
or systemd's `Restart=always` in production).
"""

import logging
import threading
import time

from django.conf import settings
from django.db import OperationalError, connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.utils import is_locked_database_exception

from . import jobs

logger = logging.getLogger(__name__)

# Waiting for a locked database: from this many seconds, doubling, to at most the last.
LOCK_BACKOFF = (0.5, 30.0)


class SupervisedWorker(Worker):
    def run(self) -> None:
        recover()
        if not self.batch:
            threading.Thread(target=_keep_recovering, name="recover", daemon=True).start()
        delay = LOCK_BACKOFF[0]
        while self.running:
            try:
                super().run()
                return
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning("The database is locked; the worker tries again in %.1f s", delay)
                connection.close()
                self.startup_delay = False
                time.sleep(delay)
                delay = min(delay * 2, LOCK_BACKOFF[1])


def recover() -> None:
    """Queue again what lost workers left; a failure here is logged, never fatal."""
    try:
        found = jobs.recover_interrupted()
    except OperationalError:
        logger.warning("Interrupted jobs not checked now (database error)", exc_info=True)
        return
    finally:
        connection.close()  # this thread's own connection; no lock held between rounds
    if found:
        logger.info("Queued %s interrupted job(s) again", found)


def _keep_recovering() -> None:
    every = max(1.0, settings.PDF_JOB_STALE_SECONDS / 2)
    while True:
        time.sleep(every)
        try:
            recover()
        except Exception:  # the thread must outlive any one round
            logger.exception("Checking for interrupted jobs failed")
