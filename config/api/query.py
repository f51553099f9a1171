"""Strict query strings: every API operation accepts exactly the query parameters its schema
documents. An unknown name (``?minerals=lithium`` for ``mineral``), a single-valued parameter
given twice, or an empty value is a 400 naming the parameter, instead of being ignored (as
Stripe's API does): a typo never silently widens a result."""

import django_filters as filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ErrorDetail, ValidationError

# A slug or code in a URL: the router matches it, the view validates it.
LOOKUP_SLUG = r"[-a-zA-Z0-9_]{1,120}"


def _error(name: str, message: str, code: str) -> ValidationError:
    return ValidationError({name: [ErrorDetail(message, code=code)]})


class StrictQueryParamsMixin:
    """For API viewsets. ``extra_query_params`` maps an action to the parameters it reads
    itself (``{"export": ("format",)}``); ``repeatable_query_params`` names those that may
    be given more than once. Filters of ``filterset_class`` count for ``filtered_actions``,
    ``limit`` and ``offset`` for a paginated ``list``."""

    extra_query_params: dict[str, tuple[str, ...]] = {}
    repeatable_query_params: tuple[str, ...] = ()
    filtered_actions: tuple[str, ...] = ("list",)

    def documented_query_params(self) -> tuple[set[str], set[str]]:
        """(every accepted name, the repeatable ones) for the current action."""
        action = getattr(self, "action", None)
        names = set(self.extra_query_params.get(action, ()))
        repeatable = set(self.repeatable_query_params)
        filterset_class = getattr(self, "filterset_class", None)
        uses_filters = any(
            issubclass(backend, DjangoFilterBackend) for backend in self.filter_backends
        )
        if filterset_class is not None and uses_filters and action in self.filtered_actions:
            for name, flt in filterset_class.base_filters.items():
                names.add(name)
                if isinstance(flt, filters.MultipleChoiceFilter):
                    repeatable.add(name)
        paginator = self.paginator if action == "list" else None
        if paginator is not None:
            names |= {paginator.limit_query_param, paginator.offset_query_param}
        return names, repeatable & names

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "action", None) in (None, "metadata"):
            return  # a method the operation does not have: 405 follows; OPTIONS answers
        names, repeatable = self.documented_query_params()
        for name, values in request.query_params.lists():
            if name not in names:
                known = ", ".join(sorted(names)) or "none"
                raise _error(
                    name[:100],
                    f"Unknown query parameter {name[:100]!r}; this operation accepts: {known}.",
                    "unknown_parameter",
                )
            if len(values) > 1 and name not in repeatable:
                raise _error(name, "Give this parameter once.", "multiple_values")
            if any(value == "" for value in values):
                raise _error(name, "This parameter may not be blank.", "blank")
