"""A validated definition → one parameterized SQL statement, run read-only with a statement
timeout; rows → CSV. SQL text comes only from the whitelist (definition.SOURCES) and fixed
templates; every user value (filter values, metadata keys, interval, timezone, merchant) is a
bound parameter."""

import csv
import io
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from mcp_payments.api.money import CURRENCY_EXPONENTS, decimal_string

from .definition import SOURCES, Source, date_range_bounds

_COMPARISONS = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}


def _expression(source: Source, field: str, params: list[Any]) -> tuple[str, str]:
    """(SQL, kind) of a whitelisted field; a metadata key is appended to `params`."""
    if field.startswith("metadata."):
        params.append(field.removeprefix("metadata."))
        return f"{source.metadata}->>%s", "text"
    spec = source.fields[field]
    return spec.sql, spec.kind


def _bind(value: Any, kind: str) -> Any:
    return value if kind == "int" else str(value)


def _cast(kind: str) -> str:
    return {"time": "::timestamptz", "int": "::bigint"}.get(kind, "::text")


def _condition(source: Source, item: dict[str, Any], params: list[Any]) -> str:
    sql, kind = _expression(source, item["field"], params)
    op, value, cast = item["op"], item["value"], _cast(kind)
    if op == "is_null":
        return f"({sql}) IS {'' if value else 'NOT '}NULL"
    if op in ("in", "nin"):
        params.append([_bind(v, kind) for v in value])
        test = f"({sql}) = ANY(%s{cast}[])"
        return test if op == "in" else f"NOT coalesce({test}, false)"
    if op == "between":
        params.extend(_bind(v, kind) for v in value)
        return f"({sql}) BETWEEN %s{cast} AND %s{cast}"
    params.append(_bind(value, kind))
    if op == "eq":
        return f"({sql}) = %s{cast}"
    if op == "neq":
        return f"({sql}) IS DISTINCT FROM %s{cast}"
    return f"({sql}) {_COMPARISONS[op]} %s{cast}"


def build_query(
    definition: dict[str, Any], *, merchant_id: str, today: date, max_rows: int
) -> tuple[str, list[Any], list[str]]:
    """(SQL, params, column names) of a normalized definition for one merchant."""
    source = SOURCES[definition["source"]]
    zone = definition["timezone"]
    params: list[Any] = []
    columns: list[str] = []
    selects: list[str] = []
    if definition["interval"]:
        time_sql = source.fields[source.time_field].sql
        params += [definition["interval"], zone]
        selects.append(f"date_trunc(%s, {time_sql} AT TIME ZONE %s)")
        columns.append("period")
    for field in definition["dimensions"]:
        sql, kind = _expression(source, field, params)
        if kind == "time":
            params += [definition["interval"] or "day", zone]
            sql = f"date_trunc(%s, {sql} AT TIME ZONE %s)"
        selects.append(sql)
        columns.append(field)
    group_count = len(selects)
    for metric in definition["metrics"]:
        selects.append(source.metrics[metric].sql)
        columns.append(metric)
    params.append(merchant_id)
    where = [f"{source.merchant} = %s"]
    if definition["date_range"]:
        start, end = date_range_bounds(definition["date_range"], today)
        tz = ZoneInfo(zone)
        time_sql = source.fields[source.time_field].sql
        params += [datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)]
        where.append(f"{time_sql} >= %s AND {time_sql} < %s")
    for item in definition["filters"]:
        where.append(_condition(source, item, params))
    sql = f"SELECT {', '.join(selects)} FROM {source.table} WHERE {' AND '.join(where)}"  # noqa: S608
    if group_count:
        sql += " GROUP BY " + ", ".join(str(i) for i in range(1, group_count + 1))
    order = []
    for item in definition["sort"]:
        name = item.lstrip("-")
        order.append(f"{columns.index(name) + 1} {'DESC' if item.startswith('-') else 'ASC'}")
    order += [str(i) for i in range(1, group_count + 1)]
    if order:
        sql += " ORDER BY " + ", ".join(order) + " NULLS LAST"
    params.append(min(definition["limit"], max_rows))
    sql += " LIMIT %s"
    return sql, params, columns


def _currency_of(definition: dict[str, Any]) -> str | None:
    for item in definition["filters"]:
        if item["field"] == "currency" and item["op"] == "eq":
            return str(item["value"])
    return None


def _shape(definition: dict[str, Any], columns: list[str], record: tuple) -> dict[str, Any]:
    source = SOURCES[definition["source"]]
    row: dict[str, Any] = {}
    for name, value in zip(columns, record, strict=True):
        if isinstance(value, datetime):
            value = value.isoformat()
        elif value is not None and name in definition["metrics"]:
            value = int(value)
        row[name] = value
    money = [m for m in definition["metrics"] if source.metrics[m].money]
    if money:
        currency = row.get("currency", _currency_of(definition))
        row["currency"] = currency
        for metric in money:
            known = row[metric] is not None and currency in CURRENCY_EXPONENTS
            row[f"{metric}_decimal"] = decimal_string(row[metric], currency) if known else None
    return row


def report_query_execute(
    definition: dict[str, Any],
    *,
    merchant_id: str,
    today: date,
    max_rows: int,
    timeout_ms: int,
) -> list[dict[str, Any]]:
    """Run a normalized definition under `statement_timeout` and return at most
    `max_rows` rows (dicts; money metrics with `currency` and `<metric>_decimal`). Raises
    django.db.OperationalError when the timeout cancels the statement."""
    sql, params, columns = build_query(
        definition, merchant_id=merchant_id, today=today, max_rows=max_rows
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Local to this (sub)transaction: a timeout rolls it back with it; on success the
        # previous value is restored so an enclosing transaction keeps its own.
        cursor.execute("SELECT current_setting('statement_timeout')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(timeout_ms)])
        cursor.execute(sql, params)
        records = cursor.fetchall()
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    return [_shape(definition, columns, record) for record in records]


def rows_to_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """RFC 4180 CSV (CRLF, header row, minimal quoting) of `rows`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row[name] for name in columns])
    return out.getvalue()


def csv_columns(definition: dict[str, Any]) -> list[str]:
    """The CSV header of a definition: period, dimensions, metrics, currency, decimals."""
    source = SOURCES[definition["source"]]
    money = [m for m in definition["metrics"] if source.metrics[m].money]
    columns = (["period"] if definition["interval"] else []) + list(definition["dimensions"])
    columns += list(definition["metrics"])
    if money:
        if "currency" not in columns:
            columns.append("currency")
        columns += [f"{metric}_decimal" for metric in money]
    return columns
