"""Search across every table: by name, column name, comment, classification and parameters, ranked.

Each table's words are kept in SearchToken by the services (catalog/services/tables.py). A
term matches a word it equals or begins; a table matches when every term matches one of its
words, and scores the sum over terms of its best match (whole name 100, name begins 60, a
word of the name 50/40, a column name 30/25, a word of a column name 20/15, other text 10/5).

The query is plain SQL that runs the same on SQLite and PostgreSQL: one grouped prefix
lookup per term, joined, ordered by score then table id. On PostgreSQL the
(token text_pattern_ops, table, weights) index answers each lookup from the index alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from catalog.models import Database, SearchToken, Table

MAX_TERMS = 8
MAX_TERM_LENGTH = 255


@dataclass(frozen=True)
class Hit:
    table_id: int
    score: int


def terms_of(query: str) -> list[str]:
    seen: list[str] = []
    for word in query.lower().split():
        term = word[:MAX_TERM_LENGTH]
        if term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def _like_prefix(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_tables(
    query: str,
    database: str = "",
    classification: str = "",
    limit: int = 50,
    after: tuple[int, int] | None = None,
) -> list[Hit]:
    """Up to `limit` hits, best first (score descending, then table id).

    `after` is the (score, table_id) of the last hit already seen. The SQL is assembled from table
    names and aliases only; every piece of user text is a query parameter (hence the S608 noqa).
    """
    tokens, tables, databases = SearchToken._meta.db_table, Table._meta.db_table, Database._meta.db_table
    params: list[str | int] = []
    terms = terms_of(query)
    if terms:
        parts = []
        for i, term in enumerate(terms):
            parts.append(
                f"(SELECT table_id, MAX(CASE WHEN token = %s THEN weight ELSE prefix_weight END) AS s"  # noqa: S608
                f" FROM {tokens} WHERE token LIKE %s ESCAPE '\\' GROUP BY table_id) t{i}"
            )
            params += [term, _like_prefix(term)]
        joined = parts[0] + "".join(f" JOIN {p} ON t{i}.table_id = t0.table_id" for i, p in enumerate(parts) if i)
        score = " + ".join(f"t{i}.s" for i in range(len(terms)))
        hits = f"SELECT t0.table_id AS table_id, {score} AS score FROM {joined}"  # noqa: S608
    else:
        hits = f"SELECT id AS table_id, 0 AS score FROM {tables}"  # noqa: S608
    conditions: list[str] = []
    if database or classification:
        hits = (
            f"SELECT h.table_id AS table_id, h.score AS score FROM ({hits}) h"  # noqa: S608
            f" JOIN {tables} tb ON tb.id = h.table_id JOIN {databases} db ON db.id = tb.database_id"
        )
        if database:
            conditions.append("db.name = %s")
            params.append(database.lower())
        if classification:
            conditions.append("tb.classification = %s")
            params.append(classification.lower())
        hits += " WHERE " + " AND ".join(conditions)
    sql = f"SELECT table_id, score FROM ({hits}) r"  # noqa: S608
    if after is not None:
        sql += " WHERE (score < %s OR (score = %s AND table_id > %s))"
        params += [after[0], after[0], after[1]]
    sql += " ORDER BY score DESC, table_id LIMIT %s"
    params.append(limit)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner overestimates joined groupings by orders of magnitude, which switches on
            # JIT compilation that costs more than the whole search: a search is short, skip it.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return [Hit(int(table_id), int(score)) for table_id, score in cursor.fetchall()]
