"""``/api/v1/insights/concentration/``: the figures of the concentration page, as JSON."""

import datetime

import orjson
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from agreements.models import Party
from config.api.conditional import cached_json
from minerals.models import MineralList

from . import queries


class ParamError(ValueError):
    def __init__(self, attr: str, message: str):
        super().__init__(message)
        self.attr = attr


def concentration_params(query):
    """(importer, list, date) from the query; a ParamError names the bad parameter."""
    code = (query.get("importer") or "GB").strip().upper()
    importer = Party.objects.filter(code=code).first()
    if importer is None:
        raise ParamError("importer", f"Unknown party code: {code[:20]}.")
    slug = (query.get("list") or "").strip().lower()
    if slug:
        mineral_list = MineralList.objects.filter(slug=slug).first()
        if mineral_list is None:
            raise ParamError("list", f"Unknown mineral list: {slug[:40]}.")
    else:
        mineral_list = queries.importer_list(importer)
    raw = (query.get("on") or "").strip()
    try:
        on = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        raise ParamError("on", "Give a date as YYYY-MM-DD.") from None
    return importer, mineral_list, on


class SupplierShareSerializer(serializers.Serializer):
    supplier = serializers.CharField(help_text="Supplying party code.")
    supplier_name = serializers.CharField()
    share = serializers.FloatField(help_text="Per cent of the importer's imports.")
    year = serializers.IntegerField()
    source_url = serializers.URLField()
    source_title = serializers.CharField()
    quote = serializers.CharField(help_text="The source's own words.")


class CoveringPartnerSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    agreements = serializers.IntegerField(
        help_text="Published agreements in force between the importer and this partner "
        "covering the mineral (or its group, or a member)."
    )


class MineralConcentrationSerializer(serializers.Serializer):
    mineral = serializers.CharField(help_text="Mineral slug.")
    mineral_name = serializers.CharField()
    label = serializers.CharField(help_text="The list's own name for the mineral.")
    year = serializers.IntegerField(allow_null=True, help_text="Latest year with data; null: none.")
    top_supplier = serializers.CharField(allow_null=True)
    top_supplier_name = serializers.CharField(allow_null=True)
    top_share = serializers.FloatField(
        allow_null=True, help_text="The top supplier's share in per cent; null when no data."
    )
    above_threshold = serializers.BooleanField(
        allow_null=True, help_text="Whether the top share exceeds the threshold; null: no data."
    )
    shares = SupplierShareSerializer(many=True, help_text="Every supplier's share in that year.")
    partners_covering = CoveringPartnerSerializer(many=True)


class ConcentrationSerializer(serializers.Serializer):
    importer = serializers.CharField()
    importer_name = serializers.CharField()
    mineral_list = serializers.CharField(allow_null=True, help_text="List the minerals come from.")
    threshold = serializers.FloatField(help_text="Per cent: the UK's 2035 target (60).")
    in_force_on = serializers.DateField()
    with_data = serializers.IntegerField(help_text="How many minerals have a share.")
    minerals = MineralConcentrationSerializer(many=True)


class ConcentrationView(APIView):
    """Supply concentration of one importer against the 60% line."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Supply concentration of an importer",
        description="For each mineral of the importer's criticality list (and any other with "
        "shares): the top supplier's share of the importer's imports in the latest year with "
        "data, whether it exceeds the 60% threshold, every supplier's share with its source "
        "and quote, and the importer's partners in published agreements in force covering the "
        "mineral. A mineral without data has `top_share: null`.",
        parameters=[
            OpenApiParameter(
                "importer", OpenApiTypes.STR, description="Importing party code (default GB)."
            ),
            OpenApiParameter(
                "list",
                OpenApiTypes.STR,
                description="Criticality list slug (default: the importer's latest list).",
            ),
            OpenApiParameter(
                "on", OpenApiTypes.DATE, description="Agreements in force on (default today)."
            ),
        ],
        responses=ConcentrationSerializer,
    )
    def get(self, request):
        try:
            # The API is strict: a parameter given empty is an error (the page's form may
            # send empty fields, which mean the default there).
            for name in ("importer", "list", "on"):
                if name in request.query_params and not request.query_params[name].strip():
                    raise ParamError(name, "This parameter may not be blank.")
            importer, mineral_list, on = concentration_params(request.query_params)
        except ParamError as exc:
            raise ValidationError({exc.attr: [str(exc)]}) from None
        return cached_json(
            request,
            "public",
            lambda: orjson.dumps(queries.concentration(importer, mineral_list, on)),
        )
