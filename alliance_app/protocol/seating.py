"""The conventional rostrum arrangement (主席台座次), as a pure function.

Seen from the rostrum facing the hall, the most senior person sits in the
centre (an even row: the two most senior take the two centre seats), and the
next ones alternate to either side, starting with the side that comes second
by the event's convention: 左为上 (government practice) puts the second to the
left of the first, counted from the rostrum; 右为上 (international and
business practice) to the right. Seats are returned left to right as seen
from the hall, the way the diagram is printed, so the rostrum's left is the
hall's right.
"""
from __future__ import annotations

from typing import Sequence, TypeVar

T = TypeVar("T")


def arrange_row(people_by_seniority: Sequence[T], senior_side: str = "left") -> list[T]:
    """`people_by_seniority[0]` is the most senior; the answer is the row
    from the hall's left to the hall's right."""
    n = len(people_by_seniority)
    if n == 0:
        return []
    # Offsets from the centre in the rostrum's own view: +1 is one seat to the rostrum's left.
    # Odd n: 0, +1, -1, +2, -2 ...; even n: the two centre seats are +½ and -½, then +1½, -1½ ...
    second = 1 if senior_side == "left" else -1
    seats: list[T | None] = [None] * n
    for place, person in enumerate(people_by_seniority):
        if n % 2:
            step = (place + 1) // 2
            rostrum_offset = 0 if place == 0 else (step if place % 2 else -step) * second
            index = n // 2 + rostrum_offset
        else:
            step = place // 2
            side = second if place % 2 == 0 else -second      # the first goes to the senior centre seat
            index = (n // 2 + step) if side > 0 else (n // 2 - 1 - step)
        # A seat further to the rostrum's left is further to the hall's right: a higher index.
        seats[index] = person
    return seats  # type: ignore[return-value]


def arrange_rows(people_by_seniority: Sequence[T], seats_per_row: int, rows: int,
                 senior_side: str = "left") -> tuple[list[list[T]], list[T]]:
    """The front row takes the most senior, the next row continues behind it;
    people beyond the rows' seats are returned apart."""
    arranged: list[list[T]] = []
    rest = list(people_by_seniority)
    for _ in range(rows):
        if not rest:
            break
        arranged.append(arrange_row(rest[:seats_per_row], senior_side))
        rest = rest[seats_per_row:]
    return arranged, rest
