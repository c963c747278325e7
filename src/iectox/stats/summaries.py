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


@dataclass(frozen=True)
class Counts:
    """Counts of each level (rows) in each group (columns), and missing values per group."""

    levels: tuple[object, ...]
    table: np.ndarray  # levels x groups
    missing: np.ndarray  # per group

    @property
    def overall(self) -> np.ndarray:
        return self.table.sum(axis=1)


def category_codes(
    values: pd.Series, levels: tuple[object, ...] | None
) -> tuple[np.ndarray, tuple[object, ...]]:
    """Level codes per row (-1 = missing) and the levels in order: given, or sorted as found."""
    if levels is None:
        found = values.dropna().unique()
        try:
            levels = tuple(sorted(found))
        except TypeError:
            levels = tuple(sorted(found, key=str))
    return pd.Categorical(values, categories=list(levels)).codes.astype(np.int64), tuple(levels)


def count(codes: np.ndarray, n_levels: int, groups: Groups) -> tuple[np.ndarray, np.ndarray]:
    inside = groups.codes >= 0
    g, c = groups.codes[inside], codes[inside]
    present = c >= 0
    table = np.bincount(c[present] * groups.k + g[present], minlength=n_levels * groups.k)
    missing = np.bincount(g[~present], minlength=groups.k)
    return table.reshape(n_levels, groups.k), missing


@dataclass(frozen=True)
class Moments:
    """Per group (and overall, last): n, missing, mean, SD, median, quartiles, min, max."""

    n: np.ndarray
    missing: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    median: np.ndarray
    q1: np.ndarray
    q3: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray


def _describe(x: np.ndarray) -> tuple[float, ...]:
    """n, mean, SD, median, Q1, Q3, min, max of one sample; quantiles as R's default (type 7)."""
    if x.size == 0:
        return (0.0, *(np.nan,) * 7)
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    sd = x.std(ddof=1) if x.size > 1 else np.nan
    return float(x.size), x.mean(), sd, median, q1, q3, x.min(), x.max()


def moments(samples: list[np.ndarray], missing: np.ndarray) -> Moments:
    """Moments per group, then overall (last), from each group's non-missing values."""
    described = np.array([_describe(x) for x in [*samples, np.concatenate(samples)]]).T
    n, mean, sd, median, q1, q3, low, high = described
    return Moments(
        n=n,
        missing=np.append(missing, missing.sum()),
        mean=mean,
        sd=sd,
        median=median,
        q1=q1,
        q3=q3,
        minimum=low,
        maximum=high,
    )


def missing_by_group(values: np.ndarray, groups: Groups) -> np.ndarray:
    inside = groups.codes >= 0
    return np.bincount(groups.codes[inside & np.isnan(values)], minlength=groups.k)


def split(values: np.ndarray, groups: Groups) -> list[np.ndarray]:
    """The non-missing values of each group, for tests that need them."""
    present = (groups.codes >= 0) & ~np.isnan(values)
    x, g = values[present], groups.codes[present]
    order = np.argsort(g, kind="stable")
    return np.split(x[order], np.cumsum(np.bincount(g, minlength=groups.k))[:-1])
