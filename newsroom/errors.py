"""
Faults that are not bugs: a database that is unavailable or locked past its wait answers
"503, try again shortly" with Retry-After, logged as one line, never as a traceback.

Under API_PREFIX (the Partner API) every error, whoever raised it (a view, a middleware, the
URL resolver), is a JSON object saying what went wrong: {"error": "…", "status": 404}.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)
# Seconds a client is told to wait before it tries again.
RETRY_AFTER = 10
UNAVAILABLE = (OperationalError, InterfaceError)
# Where the machine-readable doors live (newsroom/urls.py): their errors are JSON.
API_PREFIX = "/api/"


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database could not be reached or was locked: not a bug."""
    return isinstance(error, UNAVAILABLE)


def server_error(request, template_name="500.html"):
    """handler500: 503 with Retry-After when the database is unavailable, else the 500 page."""
    if database_unavailable(sys.exc_info()[1]):
        if is_api(request):
            return json_error(
                503,
                "The service is unavailable for a moment. Try again shortly.",
                code="unavailable",
                headers={"Retry-After": str(RETRY_AFTER)},
            )
        return unavailable_response()
    if is_api(request):
        return json_error(500, "Something went wrong on our side.", code="server_error")
    return defaults.server_error(request, template_name)


def page_not_found(request, exception, template_name="404.html"):
    """handler404: the 404 page, or for the API a JSON 404."""
    if is_api(request):
        return json_error(404, "Nothing at this address.", code="not_found")
    return defaults.page_not_found(request, exception, template_name)


def bad_request(request, exception, template_name="400.html"):
    """handler400 (a host not allowed, a suspicious request): the page, or JSON for the API."""
    if is_api(request):
        return json_error(400, "The request is malformed.", code="bad_request")
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    """handler403: the page, or JSON for the API."""
    if is_api(request):
        return json_error(403, "Forbidden.", code="forbidden")
    return defaults.permission_denied(request, exception, template_name)


def is_api(request) -> bool:
    """Whether `request` came to the API, whose errors are JSON."""
    return request is not None and request.path_info.startswith(API_PREFIX)


def json_error(status: int, message: str, *, code: str, headers=None) -> JsonResponse:
    """
    An API error: {"error": message, "status": status, "code": code}, kept by no cache. `code`
    is a stable word for programs; `message` is for the people reading their logs.
    """
    response = JsonResponse({"error": message, "status": status, "code": code}, status=status)
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


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
