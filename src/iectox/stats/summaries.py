"""Per-group summaries computed in one vectorised pass: counts by level, moments, quantiles.

Groups are integer codes (0..k-1, -1 for rows outside every group), so that every statistic is a `bincount`
or a sort, whatever the size of the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Groups:
    """The grouping of a table's rows: codes per row, labels in display order, sizes."""

    codes: np.ndarray
    labels: tuple[str, ...]
    keys: tuple[object, ...]

    @property
    def k(self) -> int:
        return len(self.labels)

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.codes[self.codes >= 0], minlength=self.k)

    def within(self, mask: pd.Series) -> Groups:
        """The same groups restricted to the rows where `mask` is true (others are left out)."""
        keep = mask.fillna(False).to_numpy(dtype=bool)
        return Groups(np.where(keep, self.codes, -1), self.labels, self.keys)


def make_groups(by: pd.Series, order: tuple[object, ...] | None, labels: dict[object, str] | None) -> Groups:
    keys = tuple(order) if order is not None else tuple(sorted(by.dropna().unique(), key=str))
    codes = pd.Categorical(by, categories=list(keys)).codes.astype(np.int64)
    names = tuple((labels or {}).get(key, str(key)) for key in keys)
    return Groups(codes, names, keys)


def category_codes(
    values: pd.Series, levels: tuple[object, ...] | None
) -> tuple[np.ndarray, tuple[object, ...]]:
    """Level codes per row (-1 = missing or not a level) and the levels in order: given, or sorted as found.

    One hashing pass (`factorize`), then a small remapping of the distinct values: the cost that matters at a
    million rows.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    found = list(uniques)
    if levels is None:
        try:
            levels = tuple(sorted(found))
        except TypeError:
            levels = tuple(sorted(found, key=str))
    position = {level: i for i, level in enumerate(levels)}
    remap = np.array([position.get(value, -1) for value in found] + [-1], dtype=np.int64)
    return remap[codes], tuple(levels)


def count(codes: np.ndarray, n_levels: int, groups: Groups) -> tuple[np.ndarray, np.ndarray]:
    """Counts (levels x groups) and missing values per group in one `bincount`: code -1 lands in row 0,
    rows outside every group in column 0, and both are cut off."""
    key = (codes + 1) * (groups.k + 1) + (groups.codes + 1)
    full = np.bincount(key, minlength=(n_levels + 1) * (groups.k + 1)).reshape(n_levels + 1, groups.k + 1)
    return full[1:, 1:], full[0, 1:]


@dataclass(frozen=True)
class Moments:
    """Per group (and overall, last): n, missing, mean, SD, and (when asked for) median and quartiles."""

    n: np.ndarray
    missing: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    median: np.ndarray
    q1: np.ndarray
    q3: np.ndarray


def _describe(x: np.ndarray, quantiles: bool) -> tuple[float, ...]:
    """n, mean, SD, median, Q1, Q3 of one sample; quantiles as R's default (type 7), or NaN if not asked for."""
    if x.size == 0:
        return (0.0, *(np.nan,) * 5)
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75]) if quantiles else (np.nan,) * 3
    sd = x.std(ddof=1) if x.size > 1 else np.nan
    return float(x.size), x.mean(), sd, median, q1, q3


def moments(samples: list[np.ndarray], missing: np.ndarray, quantiles: bool = True) -> Moments:
    """Moments per group, then overall (last); quantiles cost a partition of the data, so they are optional."""
    described = np.array([_describe(x, quantiles) for x in [*samples, np.concatenate(samples)]]).T
    n, mean, sd, median, q1, q3 = described
    return Moments(n, np.append(missing, missing.sum()), mean, sd, median, q1, q3)


def missing_by_group(values: np.ndarray, groups: Groups) -> np.ndarray:
    inside = groups.codes >= 0
    return np.bincount(groups.codes[inside & np.isnan(values)], minlength=groups.k)


def split(values: np.ndarray, groups: Groups) -> list[np.ndarray]:
    """The non-missing values of each group, for tests that need them."""
    present = ~np.isnan(values)
    return [values[present & (groups.codes == code)] for code in range(groups.k)]
