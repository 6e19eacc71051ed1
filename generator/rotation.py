"""Fair turns on the first page: the order of a listing's shops on a given day.

Each listing (a category, a tag, a city, the home page) lays its shops around a circle in an order of
its own, mixed by a hash of the listing and the shop (so neighbours in the alphabet are not neighbours
here, and a shop that joins or leaves moves nobody else). Each day the first page shows the next
`slots` shops around the circle: the window moves on by `slots` places a day and, since it moves
round a circle without jumps, any 30 days in a row show every shop on the first page on 30 × slots /
shops days, give or take one. The first place moves too: it visits every shop once in `shops` days,
so no shop is first more often than another (again give or take one over any run of days).

Pure: the day comes from the build date (SOURCE_DATE_EPOCH), never from the clock, so the same day
always gives the same order.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import math
from typing import Sequence


def day_of(date: datetime.date) -> int:
    """The day number a build date turns the wheel by."""
    return date.toordinal()


def _place(listing: str, slug: str) -> bytes:
    return hashlib.blake2b(f"{listing}\0{slug}".encode("utf-8"), digest_size=8).digest()


def circle(listing: str, slugs: Sequence[str]) -> list[str]:
    """The listing's fixed order around the circle."""
    return list(_circle(listing, tuple(slugs)))


@functools.lru_cache(maxsize=128)  # a serve session's listings, not its whole history
def _circle(listing: str, slugs: tuple[str, ...]) -> tuple[str, ...]:
    """Kept for the same listing of the same shops: `shopdir serve` plans the pages an edit touches again
    (the home page's circle at 10,000 shops is 10,000 hashes, 0.03 s)."""
    return tuple(sorted(slugs, key=lambda slug: (_place(listing, slug), slug)))


def first_place(day: int, shops: int, slots: int) -> tuple[int, int]:
    """(where the first page's window starts on the circle, where its first place is) on a day.

    The window starts at day × slots (mod shops); its first place is that start plus the number of
    whole turns the start has made (mod the number of different starts there are), so that over any
    `shops` days in a row the first place is every position once.
    """
    slots = min(slots, shops)
    starts = shops // math.gcd(shops, slots)  # how many different places the window starts at
    start = day * slots % shops
    return start, (start + (day // starts) % (shops // starts)) % shops


def order(listing: str, slugs: Sequence[str], day: int, slots: int) -> list[str]:
    """Every slug of a listing in its order on a day: the first `slots` are the first page."""
    ring = circle(listing, slugs)
    shops = len(ring)
    if shops <= 1 or slots <= 0:
        return ring
    slots = min(slots, shops)
    start, first = first_place(day, shops, slots)
    window = [(start + i) % shops for i in range(slots)]
    at = window.index(first)
    rest = [(start + slots + i) % shops for i in range(shops - slots)]
    return [ring[i] for i in window[at:] + window[:at] + rest]
