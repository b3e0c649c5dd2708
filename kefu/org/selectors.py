"""Reads of the organisation that more than one caller needs."""
from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections

from kefu.org.models import ApiToken, Center, Policy, Staff


@cache
def _token_plan(alias: str):
    """SQL and row layout of token_holder(), built once per process and database.

    One statement joins the token, its user, the user's staff record, center and policy. It is written out
    rather than left to the ORM because it runs on every API request, where compiling a five-table
    select_related costs about ten times the statement itself. Columns come from the models' _meta and values
    go through the same converters the ORM applies, so a new field needs no change here.
    """
    connection = connections[alias]
    qn = connection.ops.quote_name
    user_model = get_user_model()
    parts = [(ApiToken, "t"), (user_model, "u"), (Staff, "s"), (Center, "c"), (Policy, "p")]
    columns, layout, start = [], [], 0
    for model, table_alias in parts:
        fields = list(model._meta.concrete_fields)
        columns += [f"{table_alias}.{qn(f.column)}" for f in fields]
        converters = []
        for i, f in enumerate(fields):
            col = f.get_col(table_alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((i, found, col))
        layout.append((model, [f.attname for f in fields], start, start + len(fields), converters))
        start += len(fields)

    def col(model, field_name):
        return qn(model._meta.get_field(field_name).column)

    def table(model):
        return qn(model._meta.db_table)

    sql = (
        f"SELECT {', '.join(columns)} FROM {table(ApiToken)} t"
        f" INNER JOIN {table(user_model)} u ON u.{col(user_model, 'id')} = t.{col(ApiToken, 'user')}"
        f" LEFT OUTER JOIN {table(Staff)} s ON s.{col(Staff, 'user')} = u.{col(user_model, 'id')}"
        f" LEFT OUTER JOIN {table(Center)} c ON c.{col(Center, 'id')} = s.{col(Staff, 'center')}"
        f" LEFT OUTER JOIN {table(Policy)} p ON p.{col(Policy, 'center')} = c.{col(Center, 'id')}"
        f" WHERE t.{col(ApiToken, 'digest')} = %s AND t.{col(ApiToken, 'revoked')} = %s"
    )
    return sql, layout


def token_holder(raw_token: str, using: str = "default") -> ApiToken | None:
    """The unrevoked token with this value, with .user, .user.staff (or None), .staff.center and the center's
    policy loaded (the same objects ApiToken.objects.select_related("user__staff__center__policy") gives)."""
    connection = connections[using]
    sql, layout = _token_plan(using)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ApiToken.digest_of(raw_token), False])
        row = cursor.fetchone()
    if row is None:
        return None
    objects = []
    for model, names, lo, hi, converters in layout:
        values = list(row[lo:hi])
        if values[0] is None:  # the primary key: no row on this side of an outer join
            objects.append(None)
            continue
        for i, funcs, expression in converters:
            for func in funcs:
                values[i] = func(values[i], expression, connection)
        objects.append(model.from_db(using, names, values))
    token, user, staff, center, policy = objects
    token.user = user
    if staff is None:
        type(user).staff.related.set_cached_value(user, None)
    else:
        staff.user = user  # also caches user.staff
        staff.center = center
        Center.policy.related.set_cached_value(center, policy)
    return token
