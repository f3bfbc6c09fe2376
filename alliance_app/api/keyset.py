"""Keyset pagination for the API's long lists: `?after=<cursor>` answers the
rows that follow the cursor's row in the list's order, however deep, in the
time of the first page (OFFSET reads and throws away every row before the
page). The cursor is opaque to clients: the sort key of a page's last row,
answered as `next_cursor` with every page, `page`/`per_page` pages included.
Rows with equal sort values are told apart by the id, the last key, so a walk
sees every row once."""
import base64
import binascii
import json
from datetime import datetime

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from ..extensions import db
from .common import PageArgsSchema, PageSchema

NOT_A_CURSOR = _l("Not a cursor of this list: send the next_cursor of a page of it.")
AFTER_DOC = ("The next_cursor of the page before: the rows that follow it in the list's order (keyset "
             "pagination, as fast on the last page as on the first). `page` is then ignored.")


def encode(values) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


class Cursor(ma.fields.String):
    """A cursor given back; `kinds` are the sort keys' types (datetime, str or int), in order."""

    def __init__(self, kinds, **kwargs):
        super().__init__(metadata={"description": AFTER_DOC}, **kwargs)
        self.kinds = kinds

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            if not isinstance(values, list) or len(values) != len(self.kinds):
                raise ValueError
            return [self._typed(kind, v) for kind, v in zip(self.kinds, values)]
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
            raise ma.ValidationError(str(NOT_A_CURSOR)) from None

    @staticmethod
    def _typed(kind, value):
        if kind is datetime:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError
            return moment
        if kind is int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError
            return value
        if not isinstance(value, str):
            raise ValueError
        return value


def cursor_args(kinds):
    """The query schema of a keyset list: page, per_page and after."""
    return type("KeysetArgs", (PageArgsSchema,), {"after": Cursor(kinds)})


class KeysetPageSchema(PageSchema):
    next_cursor = ma.fields.String(allow_none=True, metadata={
        "description": "Send it as `after` for the next page; null on the last page"})


def _after(columns, values):
    """(c1, c2, ...) > (v1, v2, ...), spelt out for every database, with c1 >= v1 beside it: the
    OR alone makes SQLite read the index from the list's start (EXPLAIN QUERY PLAN: "(event_id=?)"),
    with it the index is entered at the cursor ("(event_id=? AND created_at>?)")."""
    clauses = []
    for i, (column, value) in enumerate(zip(columns, values)):
        clauses.append(and_(*[c == v for c, v in zip(columns[:i], values[:i])], column > value))
    return and_(columns[0] >= values[0], or_(*clauses))


def keyset_paginated(query, columns, keys, args) -> dict:
    """A page of `query` (ordered by `columns` ascending, the id last) after `args["after"]`, or
    args["page"] when there is none; `keys(row)` is a row's values of `columns`. One query for the
    rows (one more than a page: is there a next one?) and one for the total, whatever the depth."""
    per_page = args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    ordered = query.order_by(*columns)
    if args.get("after") is not None:
        page = None
        rows = list(db.session.scalars(ordered.where(_after(columns, args["after"])).limit(per_page + 1)))
    else:
        page = args["page"]
        rows = list(db.session.scalars(ordered.offset((page - 1) * per_page).limit(per_page + 1)))
    more = len(rows) > per_page
    items = rows[:per_page]
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "next_cursor": encode(keys(items[-1])) if more and items else None}
