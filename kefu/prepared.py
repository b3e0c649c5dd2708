"""Hot-path reads as statements built once per process.

The ORM compiles a query anew on every call; for a wide model (an order has 70 columns) that costs over
ten times the statement itself. The few reads that every API request or order transition makes are built
here once, from the models' _meta (a new field needs no change), and their values go through the ORM's own
converters into Model.from_db: the instances are those a QuerySet with select_related would give.

    ORDER = RowPlan([(Order, "o"), (Center, "c"), (Department, "d")],
                    lambda n: f"FROM {n.table(Order)} o INNER JOIN {n.table(Center)} c ON ..."
                              f" WHERE o.{n.col(Order, 'id')} = %s", lock="o")
    order, center, department = ORDER.fetch([pk])  # department None when the outer join found no row
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model


@dataclass(frozen=True)
class Names:
    """Quoted table and column names of one database, for writing the FROM and WHERE of a plan."""

    quote: Callable[[str], str]

    def table(self, model: type[Model]) -> str:
        return self.quote(model._meta.db_table)

    def col(self, model: type[Model], field: str) -> str:
        return self.quote(model._meta.get_field(field).column)


class RowPlan:
    """SELECT every concrete column of some models, joined as `tail` says, one row at most."""

    def __init__(
        self, models: Sequence[tuple[type[Model], str]], tail: Callable[[Names], str], *, lock: str | None = None
    ):
        self.models = list(models)
        self.tail = tail
        self.lock = lock  # table alias to lock FOR UPDATE where the database can (inside a transaction)
        self._built: dict[str, tuple] = {}

    def _build(self, using: str) -> tuple:
        connection = connections[using]
        names = Names(connection.ops.quote_name)
        columns, layout, start = [], [], 0
        for model, alias in self.models:
            fields = list(model._meta.concrete_fields)
            columns += [f"{alias}.{names.quote(f.column)}" for f in fields]
            converters = []
            for i, field in enumerate(fields):
                col = field.get_col(alias)
                # The ORM's compiler applies exactly these: the backend's, then the field's own.
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if found:
                    converters.append((i, found, col))
            pk = fields.index(model._meta.pk)
            layout.append((model, [f.attname for f in fields], start, start + len(fields), pk, converters))
            start += len(fields)
        sql = f"SELECT {', '.join(columns)} {self.tail(names)}"
        if self.lock and connection.features.has_select_for_update:
            of = (self.lock,) if connection.features.has_select_for_update_of and len(self.models) > 1 else ()
            sql += " " + connection.ops.for_update_sql(of=of)
        return sql, layout

    def fetch(self, params: Sequence, using: str = "default") -> tuple | None:
        """The models' instances from the first row (None for a model whose outer join found nothing),
        or None when there is no row."""
        built = self._built.get(using)
        if built is None:
            built = self._built[using] = self._build(using)
        sql, layout = built
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            row = cursor.fetchone()
        if row is None:
            return None
        objects = []
        for model, names, lo, hi, pk, converters in layout:
            values = list(row[lo:hi])
            if values[pk] is None:  # no row on this side of an outer join
                objects.append(None)
                continue
            for i, funcs, expression in converters:
                for func in funcs:
                    values[i] = func(values[i], expression, connection)
            objects.append(model.from_db(using, names, values))
        return tuple(objects)
