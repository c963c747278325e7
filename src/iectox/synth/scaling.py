"""Scaling the published targets to a cohort of any size, keeping every proportion.

Each count is scaled within its parent (group sizes within the total, levels within their group, the
treated within those with CRS...) by largest-remainder rounding, so that sub-populations stay nested and
proportions hold to the nearest unit. Moments are kept; the p-value tuning of the SDs is not (it only
makes sense at the published group sizes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from iectox.synth.select import largest_remainder
from iectox.synth.targets import GroupTargets


def _scale_one(part: int, whole: int, new_whole: int) -> int:
    return int(largest_remainder([part, whole - part], new_whole)[0]) if whole else 0


def scale_targets(targets: list[GroupTargets], n: int) -> list[GroupTargets]:
    """The same targets for `n` infusions in all: every count scaled by largest-remainder rounding."""
    sizes = largest_remainder([t.n for t in targets], n)
    out = []
    for t, size in zip(targets, sizes, strict=True):
        size = int(size)

        def scaled(counts: Mapping, extra: int, size: int = size) -> tuple[dict, int]:
            keys = [*counts, None]
            split = largest_remainder([*counts.values(), extra], size)
            return {k: int(v) for k, v in zip(keys[:-1], split[:-1], strict=True)}, int(split[-1])

        crs, crs_unknown = scaled(t.crs, t.crs_unknown)
        icans, icans_unknown = scaled(t.icans, t.icans_unknown)
        crs_yes_old = sum(c for g, c in t.crs.items() if g > 0)
        crs_yes = sum(c for g, c in crs.items() if g > 0)
        treated = _scale_one(t.treated, crs_yes_old, crs_yes)

        def per_treated(total: int | None, old: int = t.treated, new: int = treated) -> int | None:
            return None if total is None or not old else round(total * new / old)

        out.append(
            replace(
                t,
                n=size,
                sex=scaled(t.sex, 0)[0],
                indication=scaled(t.indication, 0)[0],
                crs=crs,
                crs_unknown=crs_unknown,
                icans=icans,
                icans_unknown=icans_unknown,
                treated=treated,
                dose_total_mg=per_treated(t.dose_total_mg),
                delay_total_min=per_treated(t.delay_total_min) or 0,
                injections_total=min(4 * treated, max(treated, per_treated(t.injections_total) or 0)),
                steroid_treated=_scale_one(t.steroid_treated, t.treated, treated),
                crs_deaths=_scale_one(t.crs_deaths, t.treated, treated),
                steroid_alone=None if t.steroid_alone is None else _scale_one(t.steroid_alone, t.n, size),
                age=replace(t.age, sd_target=t.age.sd),
                weight=replace(t.weight, sd_target=t.weight.sd),
            )
        )
    return out
