"""Whole numbers from the URL, bounded at the edge once for every route: an id
beyond the id columns' range (or a page beyond any list) is simply not there,
never a number the database refuses with a 500."""
from flask import request
from werkzeug.routing import IntegerConverter

from ..extensions import db

MAX_ID = 2**31 - 1  # the id columns' range
MAX_PAGE = 1_000_000


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` of every rule: a larger number does not match the rule, so the
    address answers 404 like any other that is not there."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max,
                         signed=signed)


def query_int(name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """`?name=` as a whole number within the bounds, else None (as if absent)."""
    value = request.args.get(name, type=int)
    return value if value is not None and minimum <= value <= maximum else None


def query_ids(name: str, limit: int) -> list[int]:
    """`?name=1,2,3`: the ids within the id range, at most `limit` of them."""
    ids = (int(part) for part in request.args.get(name, "").split(",") if part.strip().isdigit())
    return [value for value in ids if 0 < value <= MAX_ID][:limit]


def paginate(query, per_page: int):
    """The page of `?page=` (the first when it is missing or out of range); the
    page size is the view's, never the URL's."""
    return db.paginate(query, page=query_int("page", maximum=MAX_PAGE) or 1, per_page=per_page,
                       max_per_page=per_page, error_out=False)


def init_app(app) -> None:
    """Before any blueprint registers a rule: converters are bound as rules are added."""
    app.url_map.converters["int"] = BoundedIntegerConverter
