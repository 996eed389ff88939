"""Target setting from Python: growth over a baseline, market share in revenue, exact
splits for cascades and phasing, and the capacity check of a team's targets.

>>> from decimal import Decimal
>>> from kpi_core import targets
>>> targets.grow(10_000_000, Decimal("0.10"))
Decimal('11000000')
>>> targets.allocate(100, [1, 1, 1])
[Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
>>> targets.capacity(5_000_000, [1_500_000] * 4)["over_assignment"]
Decimal('0.2')

Numbers are ``decimal.Decimal``, ``int`` or decimal text (``str``), read exactly; a
``float`` is refused, as is a decimal with more than 28 places (never rounded). A wrong
argument raises ``DataError`` (``data.invalid_argument``, ``data.unsupported_value``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Union

from kpi_core._kpi_core import (
    targets_allocate,
    targets_capacity,
    targets_from_market_share,
    targets_grow,
)

__all__ = ["allocate", "capacity", "from_market_share", "grow"]

Number = Union[Decimal, int, str]


def grow(baseline: Number, growth: Number) -> Decimal:
    """``baseline × (1 + growth)``: 10,000,000 grown by 0.10 is 11,000,000."""
    return targets_grow(baseline, growth)


def from_market_share(share: Number, market_size: Number) -> Decimal:
    """A market share converted to revenue: ``share × market_size``."""
    return targets_from_market_share(share, market_size)


def _listed(values: Iterable[Number]) -> Any:
    # A list or tuple goes as it is; another iterable is read into a list first (the
    # native function then checks every item).
    if isinstance(values, (list, tuple)):
        return values
    try:
        return list(values)
    except TypeError:
        return values


def allocate(total: Number, weights: Iterable[Number], places: int = 2) -> list[Decimal]:
    """Splits ``total`` by ``weights`` to ``places`` decimals; the parts sum exactly to
    ``total`` (the rounding remainder goes to the largest fractions, earlier first)."""
    return targets_allocate(total, _listed(weights), places)


def capacity(target: Number, member_targets: Iterable[Number]) -> dict[str, Any]:
    """A team target against its members' targets: ``assigned``, ``over_assignment``
    (``assigned / target - 1``) and ``covered``."""
    return targets_capacity(target, _listed(member_targets))
