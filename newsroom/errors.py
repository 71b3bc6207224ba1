"""
Faults that are not bugs: a database that is unavailable or locked past its wait answers
"503, try again shortly" with Retry-After, logged as one line, never as a traceback.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)
# Seconds a client is told to wait before it tries again.
RETRY_AFTER = 10
UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database could not be reached or was locked: not a bug."""
    return isinstance(error, UNAVAILABLE)


def server_error(request, template_name="500.html"):
    """handler500: 503 with Retry-After when the database is unavailable, else the 500 page."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request, template_name)


def unavailable_response():
    """The 503 page: rendered without a request, since nothing may touch the database."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableFilter(logging.Filter):
    """
    On the django.request logger: a request that met an unavailable database is logged as one
    line saying so, without the traceback that would bury a real bug's.
    """

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if database_unavailable(error):
            record.msg = "Database unavailable, answered 503: %s (%s)"
            record.args = (" ".join(str(error).split())[:200], getattr(record, "request", ""))
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
