from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PageNumberPagination
from organizations import region_selectors
from organizations.enums import RegionLevel


class RegionOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)
    path = serializers.CharField()


class RegionTreeOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    path = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField())


class RegionListView(APIView):
    """Administrative divisions (province > city > county) with their codes. 行政区划。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    @extend_schema(
        operation_id="regions_list",
        parameters=[
            OpenApiParameter("parent", str, description="parent region code"),
            OpenApiParameter("level", str, enum=RegionLevel.values),
            OpenApiParameter("search", str, description="name contains"),
        ],
        responses=RegionOutput(many=True),
    )
    def get(self, request):
        qs = region_selectors.region_list(
            parent_code=request.query_params.get("parent"),
            level=request.query_params.get("level"),
            search=request.query_params.get("search", ""),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RegionOutput(page, many=True).data)


class RegionDetailView(APIView):
    """One region by its division code."""

    @extend_schema(operation_id="regions_retrieve", responses=RegionOutput)
    def get(self, request, code):
        return Response(RegionOutput(region_selectors.region_get(code=code)).data)


class RegionTreeView(APIView):
    """The nested tree below a region (all provinces without `root`); small enough to send whole."""

    @extend_schema(
        operation_id="regions_tree",
        parameters=[OpenApiParameter("root", str, description="root region code")],
        responses=RegionTreeOutput(many=True),
    )
    def get(self, request):
        return Response(region_selectors.region_tree(root_code=request.query_params.get("root")))
