"""The API's errors: raised anywhere in a request, answered as JSON by the view."""

from newsroom.errors import json_error

# RFC 6750's challenge: the client is to send a Bearer token.
REALM = 'Bearer realm="Partner API"'


class ApiError(Exception):
    """A request the API refuses: its status, a stable code, a message, extra headers."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}

    def response(self):
        return json_error(self.status, self.message, code=self.code, headers=self.headers)


def bad_parameter(message: str) -> ApiError:
    """A query parameter that is not understood: 400."""
    return ApiError(400, "bad_parameter", message)


def not_found(message: str = "No story at this address is open to this key.") -> ApiError:
    """
    A story that does not exist, is not published or is outside the key's scope: the same
    404 for each, so that none can be told from the others.
    """
    return ApiError(404, "not_found", message)
