"""One error shape for every 4xx and 5xx (drf-standardized-errors), with database and model
errors mapped to client errors instead of 500s."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from drf_standardized_errors.handler import ExceptionHandler as BaseExceptionHandler
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the stored data; reload and try again."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you fetched it (If-Match does not match)."
    default_code = "precondition_failed"


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is not answering; try again in a few seconds."
    default_code = "database_unavailable"


class ExceptionHandler(BaseExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, OperationalError | InterfaceError):
            # Cannot connect, connection lost, statement timed out, server not answering.
            return DatabaseUnavailable()
        if isinstance(exc, DjangoValidationError):
            # Model validation that escaped a serializer is still the client's error.
            return exceptions.ValidationError(as_serializer_error(exc))
        if isinstance(exc, IntegrityError):
            # Lost a race against a unique constraint (or another rule the database holds).
            return Conflict()
        if isinstance(exc, DataError):
            # A value the database cannot hold (a NUL byte in a looked-up slug, a number out
            # of range) is malformed input, not a server failure.
            return exceptions.ParseError(
                "The request contains a value the database cannot store or compare."
            )
        return super().convert_known_exceptions(exc)
