"""Schema extras: the token scheme, and the error responses this API adds to the standard set."""

from django.db import models
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import permissions, serializers

from config.api.permissions import ModelPermissionsOrReadOnly


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'API key, sent as "Token <key>". Create one with '
            "`python manage.py create_api_token <username>`.",
        }


def _error_response(status: int, code: str):
    enum = models.TextChoices(f"ErrorCode{status}Enum", [(code.upper(), code)])
    error = type(
        f"Error{status}Serializer",
        (serializers.Serializer,),
        {
            "code": serializers.ChoiceField(choices=enum.choices),
            "detail": serializers.CharField(),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    return type(
        f"ErrorResponse{status}Serializer",
        (serializers.Serializer,),
        {
            "type": serializers.ChoiceField(choices=ClientErrorEnum.choices),
            "errors": error(many=True),
            "__module__": __name__,
        },
    )


class Error400Serializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable reason, e.g. `invalid`, `required`.")
    detail = serializers.CharField(help_text="Human-readable explanation.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The field (nested as `signatures.1.party`) or query parameter at fault; "
        "null when the request as a whole is refused.",
    )


class ErrorResponse400Serializer(serializers.Serializer):
    """One 400 body for every operation: the body or the query string was refused."""

    type = serializers.ChoiceField(
        choices=[("validation_error", "validation_error"), ("client_error", "client_error")],
        help_text="`validation_error` for a refused field or parameter, `client_error` for a "
        "body that is not JSON.",
    )
    errors = Error400Serializer(many=True)


ErrorResponse409Serializer = _error_response(409, "conflict")
ErrorResponse412Serializer = _error_response(412, "precondition_failed")
ErrorResponse413Serializer = _error_response(413, "request_too_large")

WRITE_METHODS = {"POST", "PUT", "PATCH"}


class AutoSchema(StandardizedErrorsAutoSchema):
    """Adds 409 (lost a uniqueness race) and 413 (body too large) to writes, and 412 (stale
    If-Match) to the operations that check it."""

    def _get_http400_serializer(self):
        # One shared component instead of drf-standardized-errors' per-operation unions of
        # per-field components (hundreds of them, which inflated the schema and every
        # generated client without telling a client anything it can act on).
        return ErrorResponse400Serializer

    def _get_error_response_examples(self):
        # drf-standardized-errors repeats an example body for every error status in every
        # operation (a third of the schema); the components already give the shape.
        return []

    def _should_add_error_response(self, responses, status_code):
        if status_code in ("409", "413"):
            return self.method in WRITE_METHODS and super()._should_add_error_response(
                responses, status_code
            )
        if status_code == "412":
            return self.method in {"PUT", "PATCH", "DELETE"} and getattr(
                self.view, "checks_if_match", False
            )
        return super()._should_add_error_response(responses, status_code)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # drf-spectacular leaves a nested list's max_length out: state it as maxItems.
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and isinstance(schema, dict):
            if getattr(field, "max_length", None) is not None:
                schema["maxItems"] = field.max_length
        return schema

    def _is_list_view(self, serializer=None):
        # A view whose list action answers one page object (the changes feed) sets this.
        if getattr(self.view, "schema_single_object", False):
            return False
        return super()._is_list_view(serializer)

    def get_auth(self):
        # drf-spectacular marks credentials optional only for AllowAny and
        # IsAuthenticatedOrReadOnly; ModelPermissionsOrReadOnly lets anyone read as well.
        auths = super().get_auth()
        if self.method in permissions.SAFE_METHODS and {} not in auths:
            perms = self.view.get_permissions()
            if any(isinstance(p, ModelPermissionsOrReadOnly) for p in perms):
                auths.append({})
        return auths
