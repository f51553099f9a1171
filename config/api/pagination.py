"""Limit/offset pagination that rejects bad values instead of silently ignoring them."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination as BaseLimitOffsetPagination

MAX_OFFSET = 10_000_000


class LimitOffsetPagination(BaseLimitOffsetPagination):
    default_limit = 50
    max_limit = 500

    def _int_param(self, request, name, default, minimum, maximum):
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationError(
                {name: [f"A whole number is required, not {raw[:40]!r}."]}
            ) from None
        if not minimum <= value <= maximum:
            raise ValidationError({name: [f"Must be between {minimum} and {maximum}."]})
        return value

    def get_limit(self, request):
        return self._int_param(
            request, self.limit_query_param, self.default_limit, 1, self.max_limit
        )

    def get_offset(self, request):
        return self._int_param(request, self.offset_query_param, 0, 0, MAX_OFFSET)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.limit_query_param:
                param["schema"].update({"minimum": 1, "maximum": self.max_limit, "default": 50})
                param["description"] = (
                    f"Results per page: 1 to {self.max_limit} (default 50); "
                    "outside that range is a 400 error."
                )
            elif param["name"] == self.offset_query_param:
                param["schema"].update({"minimum": 0, "maximum": MAX_OFFSET, "default": 0})
                param["description"] = "Index of the first result (0-based)."
        return params
