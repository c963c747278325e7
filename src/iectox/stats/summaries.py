"""Per-group summaries computed in one vectorised pass: counts by level, moments, quantiles.

Groups are integer codes (0..k-1, -1 for rows outside every group), so that every statistic is a `bincount`
or a sort, whatever the size of the table. Each column is read once: its distinct values are found in one
hashing pass (`factorize`), its counts in one `bincount`, its values per group by one gather in group order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from numbers import Number

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

    @cached_property
    def sizes(self) -> np.ndarray:
        return self.edges[1:] - self.edges[:-1]

    @cached_property
    def edges(self) -> np.ndarray:
        """Where each group starts in `order`, then where the last one ends (rows outside groups come first)."""
        return np.cumsum(np.bincount(self.shifted, minlength=self.k + 1))

    @cached_property
    def order(self) -> np.ndarray:
        """The rows in group order, each group's rows in their own order (a stable sort of the codes)."""
        return np.argsort(self.codes, kind="stable")

    @cached_property
    def shifted(self) -> np.ndarray:
        """Codes + 1 (0 for rows outside every group): the column part of a `bincount` key."""
        return self.codes + 1

    @staticmethod
    def code_type(k: int) -> type[np.signedinteger]:
        """The smallest integers that hold k group codes and -1: a byte per row for any usual table, so that
        sorting the rows by group is one radix pass."""
        return np.int8 if k < np.iinfo(np.int8).max else np.int32

    def within(self, mask: pd.Series) -> Groups:
        """The same groups restricted to the rows where `mask` is true (others are left out)."""
        keep = mask.fillna(False).to_numpy(dtype=bool)
        return Groups(np.where(keep, self.codes, -1), self.labels, self.keys)


class _References:
    """The elements of an object array seen as integers (their addresses), without copying them.

    Holding the array keeps it alive as long as the integer view made from this object (its `base`)."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        self.__array_interface__ = {
            "data": (values.__array_interface__["data"][0], True),
            "typestr": np.dtype(np.intp).str,
            "shape": values.shape,
            "strides": values.strides,
            "version": 3,
        }


def _objects(values: pd.Series | np.ndarray) -> np.ndarray | None:
    """The array of Python objects behind `values` (object columns, text columns), or None for other dtypes."""
    dtype = values.dtype
    if pd.api.types.is_object_dtype(dtype):
        return np.asarray(values)
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "python":
        return np.asarray(values.array)  # type: ignore[union-attr]
    return None


HEAD = 4096  # rows searched first for one row of each distinct object


def _one_row_each(codes: np.ndarray, count: int) -> np.ndarray:
    """A row holding each of `count` codes: found in the first rows when they hold every code (usual with a
    few distinct values), else by a pass over all rows."""
    one_each = np.full(count, -1, dtype=np.intp)
    head = codes[:HEAD]
    one_each[head] = np.arange(len(head))
    if (one_each < 0).any():
        one_each[codes] = np.arange(len(codes))
    return one_each


def _factorize(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row codes, a small array turning them into value codes (-1 when missing), and the distinct values.

    Values held as Python objects (text, or mixed columns) are factorised by reference first: a column of a
    million rows holds few distinct objects (each "male" is the same string), their addresses are integers,
    hashed several times faster than the objects, and only one object per address is then factorised by
    value, so that equal values held twice still get one code. Callers compose the small array with their
    own remapping before the one gather over the rows.
    """
    objects = _objects(values)
    if objects is None or objects.ndim != 1:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes, np.arange(len(uniques)), np.asarray(uniques, dtype=object)
    rows, references = pd.factorize(np.asarray(_References(objects)), use_na_sentinel=True)
    by_value, uniques = pd.factorize(objects[_one_row_each(rows, len(references))], use_na_sentinel=True)
    return rows, by_value, np.asarray(uniques, dtype=object)


def _positions(found: list[object], levels: tuple[object, ...]) -> np.ndarray:
    """The position in `levels` of each `found` value, -1 when it is not a level."""
    position = {level: i for i, level in enumerate(levels)}
    return np.array([position.get(value, -1) for value in found], dtype=np.intp)


_DIGITS = re.compile(r"(\d+)")


def natural_key(value: object) -> tuple[object, ...]:
    """Numbers by value, then text with its runs of digits read as numbers: 1, 2, 10 and "Cohort 2" before
    "Cohort 10" (sorting as text put 10 before 2)."""
    if isinstance(value, Number) and not isinstance(value, bool):
        return (0, float(value), "")  # type: ignore[arg-type]
    parts = _DIGITS.split(str(value))
    return (
        1,
        0.0,
        tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts),
        str(value),
    )


def make_groups(by: pd.Series, order: tuple[object, ...] | None, labels: dict[object, str] | None) -> Groups:
    """Group codes per row in `order`: by default a Categorical's categories, else the values in natural
    order (numbers by value, "Cohort 2" before "Cohort 10"); -1 for blank or unlisted values."""
    rows, to_value, uniques = _factorize(by)
    found = list(uniques)
    if order is None and isinstance(by.dtype, pd.CategoricalDtype):
        order = tuple(by.cat.categories)
    keys = tuple(order) if order is not None else tuple(sorted(found, key=natural_key))
    names = tuple((labels or {}).get(key, str(key)) for key in keys)
    to_group = np.append(np.append(_positions(found, keys), -1)[to_value], -1)
    return Groups(to_group.astype(Groups.code_type(len(keys)))[rows], names, keys)


def sorted_levels(found: list[object]) -> tuple[object, ...]:
    """Levels found in the data, sorted (as text when they cannot be compared)."""
    try:
        return tuple(sorted(found))
    except TypeError:
        return tuple(sorted(found, key=str))


def value_counts(values: pd.Series, groups: Groups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of each distinct value in each group (values x groups), blanks per group, and the values.

    One pass over the rows to find the distinct values, then one gather and one `bincount`: a blank lands in
    row 0 of the bincount, rows outside every group in column 0, and both are cut off.
    """
    rows, to_value, uniques = _factorize(values)
    width = groups.k + 1
    key_of_row_code = (np.append(to_value, -1) + 1) * width  # the last entry serves the code -1 (blank)
    key = key_of_row_code[rows] + groups.shifted
    full = np.bincount(key, minlength=(len(uniques) + 1) * width).reshape(len(uniques) + 1, width)
    return full[1:, 1:], full[0, 1:], uniques


def pool(
    counts: np.ndarray, missing: np.ndarray, position: np.ndarray, n_levels: int
) -> tuple[np.ndarray, ...]:
    """Counts of distinct values (values x groups) added up by level (`position` of each value, -1 when it is
    not a level: then it counts as missing)."""
    table = np.zeros((n_levels, counts.shape[1]), dtype=counts.dtype)
    listed = position >= 0
    np.add.at(table, position[listed], counts[listed])
    return table, missing + counts[~listed].sum(axis=0)


def level_counts(
    values: pd.Series, levels: tuple[object, ...] | None, groups: Groups
) -> tuple[np.ndarray, np.ndarray, tuple[object, ...]]:
    """Counts (levels x groups), missing values per group (blank or not a level), and the levels: given, or
    sorted as found."""
    counts, missing, uniques = value_counts(values, groups)
    found = list(uniques)
    levels = sorted_levels(found) if levels is None else tuple(levels)
    table, missing = pool(counts, missing, _positions(found, levels), len(levels))
    return table, missing, levels


@dataclass(frozen=True)
class Samples:
    """The non-missing values of each group in row order, all of them together (`overall`: the groups one
    after the other), and the number of missing values per group."""

    groups: tuple[np.ndarray, ...]
    overall: np.ndarray
    missing: np.ndarray


def samples(values: np.ndarray, groups: Groups) -> Samples:
    """One gather of the column in group order; each group's values are then a view of it."""
    edges = groups.edges
    inside = values[groups.order[edges[0] :]]
    blank = np.isnan(inside)
    starts = edges - edges[0]
    missing = np.array([np.count_nonzero(blank[a:b]) for a, b in pairwise(starts)], dtype=np.int64)
    overall = inside[~blank] if missing.any() else inside
    bounds = np.cumsum(groups.sizes - missing)[:-1]
    return Samples(tuple(np.split(overall, bounds)), overall, missing)


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


QUANTILE_METHODS = {7: "linear", 2: "averaged_inverted_cdf"}  # R's quantile(type = ...) in numpy's names


def _describe(x: np.ndarray, quantiles: bool, quantile_type: int = 7) -> tuple[float, ...]:
    """n, mean, SD, median, Q1, Q3 of one sample; quantiles as R's `quantile(x, type = quantile_type)`
    (7, R's default, or 2, gtsummary's quartiles), or NaN if not asked for."""
    if x.size == 0:
        return (0.0, *(np.nan,) * 5)
    method = QUANTILE_METHODS[quantile_type]
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75], method=method) if quantiles else (np.nan,) * 3
    sd = x.std(ddof=1) if x.size > 1 else np.nan
    return float(x.size), x.mean(), sd, median, q1, q3


def moments(values: Samples, quantiles: bool = True, quantile_type: int = 7) -> Moments:
    """Moments per group, then overall (last); quantiles cost a partition of the data, so they are optional."""
    parts = [*values.groups, values.overall]
    described = np.array([_describe(x, quantiles, quantile_type) for x in parts]).T
    n, mean, sd, median, q1, q3 = described
    return Moments(n, np.append(values.missing, values.missing.sum()), mean, sd, median, q1, q3)
