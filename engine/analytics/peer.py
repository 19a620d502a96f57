"""The robust peer test (analytics.md §1), the one used throughout.

Among peer values with median ``m`` and ``MAD`` = median |v − m|, a value is an outlier when
``v > m + k × scale`` with ``scale = max(1.4826 × MAD, 0.05 × |m|)``; its robust score is
``(v − m) / scale``. A peer set needs at least ``peer_min`` members. The TJ comparisons and
the institution indicators of the rules (ZB10000205…, ``indicator_k``/``indicator_min_peers``)
both call ``compare`` so the two can never disagree. (A z-score over the population SD cannot
exceed √(n − 1), so "z > 2 among 5 peers" never fires; the median and MAD can.)

The 0.05 × |m| floor keeps a tight peer set (MAD = 0) from flagging every value a hair above
the median. When the median is 0 as well, the scale is 0: any value above 0 is an outlier and
its score is undefined (``None``).
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

MAD_FACTOR = 1.4826  # makes the MAD estimate the SD of a normal distribution
MEDIAN_FLOOR = 0.05  # the scale is at least this share of |median|
DEFAULT_K = 3.0
DEFAULT_MIN = 5


@dataclass(frozen=True)
class PeerStats:
    """The peers' median, MAD, scale and threshold (the value above which one is an outlier)."""

    median: float
    mad: float
    scale: float
    threshold: float
    peers: int

    def score(self, value: float) -> float | None:
        """The robust score of ``value``; None when the scale is 0 (see the module's doc)."""
        if self.scale == 0:
            return 0.0 if value == self.median else None
        return (value - self.median) / self.scale

    def outlier(self, value: float) -> bool:
        return value > self.threshold


def peer_stats(
    values: list[float], k: float = DEFAULT_K, peer_min: int = DEFAULT_MIN
) -> PeerStats | None:
    """The statistics of a peer set, or None when it has fewer than ``peer_min`` members."""
    if len(values) < max(peer_min, 1):
        return None
    m = statistics.median(values)
    mad = statistics.median([abs(v - m) for v in values])
    scale = max(MAD_FACTOR * mad, MEDIAN_FLOOR * abs(m))
    return PeerStats(m, mad, scale, m + k * scale, len(values))


@dataclass(frozen=True)
class PeerResult:
    """One member's comparison with its peers (the member itself among them)."""

    value: float
    stats: PeerStats

    @property
    def score(self) -> float | None:
        return self.stats.score(self.value)

    @property
    def outlier(self) -> bool:
        return self.stats.outlier(self.value)

    def fields(self, prefix: str) -> dict:
        """Flat fact fields ``<prefix>_median``, ``_threshold``, ``_score``, ``_outlier``."""
        out = {
            f"{prefix}_median": self.stats.median,
            f"{prefix}_threshold": self.stats.threshold,
            f"{prefix}_outlier": int(self.outlier),
        }
        if self.score is not None:
            out[f"{prefix}_score"] = self.score
        return out


def compare(
    values: Mapping[Hashable, float], k: float = DEFAULT_K, peer_min: int = DEFAULT_MIN
) -> dict[Hashable, PeerResult]:
    """Each member of one peer set (key → value) against all of them; {} when the set has
    fewer than ``peer_min`` members (nobody is judged)."""
    stats = peer_stats(list(values.values()), k, peer_min)
    if stats is None:
        return {}
    return {key: PeerResult(value, stats) for key, value in values.items()}
