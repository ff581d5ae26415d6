"""/api/catalog/search/?q=: tables ranked by how well name, columns, comments, classification, parameters match."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.pagination import decode_cursor, encode_cursor, next_url, read_limit
from catalog.api.schema import ERRORS, PAGE_PARAMETERS, SearchHitSerializer, page_of
from catalog.api.tables import table_json
from catalog.models import Table
from catalog.services.search import search_tables

MAX_PAGE = 200


class SearchView(APIView):
    """GET ?q=&database=&classification=&limit=&cursor=; best matches first. No q lists every table."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Terms separated by spaces (at most 8); every term must match."),
            OpenApiParameter("database", str),
            OpenApiParameter("classification", str),
            *PAGE_PARAMETERS,
        ],
        responses={200: page_of("SearchPage", SearchHitSerializer()), 400: ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        limit = read_limit(request, MAX_PAGE)
        cursor = params.get("cursor")
        after = None
        if cursor:
            score, table_id = decode_cursor(cursor, 2)
            after = (int(score), int(table_id))
        hits = search_tables(
            params.get("q", ""), params.get("database", ""), params.get("classification", ""), limit + 1, after
        )
        next_cursor = encode_cursor([hits[limit - 1].score, hits[limit - 1].table_id]) if len(hits) > limit else None
        hits = hits[:limit]
        tables = Table.objects.select_related("database").in_bulk([h.table_id for h in hits])
        results = [{**table_json(tables[h.table_id]), "score": h.score} for h in hits if h.table_id in tables]
        return Response({"results": results, "next_cursor": next_cursor, "next": next_url(request, next_cursor)})
