"""The kinds of document the worker builds, registered by the domains that
print them (registrations/printing.py, agreements/printing.py), so that this
package imports no domain. Every function runs in an app context, in the
language of whoever asked; `load` runs in the request and again in the worker."""
import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

# progress(done, total): how far a builder has got, in the units of `size`.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DocumentKind:
    """`load(params)`: what the document prints (None when it is gone);
    `size(data)`: delegates, rows or agreements, compared with the `threshold`
    setting; `fingerprint(data)`: changes whenever the printed content does;
    `build(data, progress)`: the file's bytes (progress is None on the immediate
    path); `describe(data)`: (filename, ASCII fallback, mimetype)."""
    name: str
    load: Callable[[Mapping[str, Any]], Any]
    size: Callable[[Any], int]
    fingerprint: Callable[[Any], str]
    build: Callable[[Any, Optional[Progress]], bytes]
    describe: Callable[[Any], tuple[str, str, str]]
    can_view: Callable[[Any], bool]
    threshold: str
    inline: bool = True


KINDS: dict[str, DocumentKind] = {}


def register_kind(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.name] = kind
    return kind


def digest(*parts) -> str:
    """A fingerprint of plain values (ids, strings, datetimes, enums, tuples of them)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def row_values(obj) -> tuple:
    """Every column of a loaded row (None for no row): enough to notice any change
    of what a document prints from it, its updated_at included."""
    if obj is None:
        return ()
    from sqlalchemy import inspect

    return tuple(getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs)
