"""Random cases of the reviewer tests against R (a check run by hand where R and coin are installed; never in CI).

    .venv/bin/python scripts/r_check_reviewer_tests.py [--cases 150] [--seed 2026]

Draws random inputs for Welch's ANOVA, the trend tests, coin's Wilcoxon (exact and asymptotic), the
Mantel-Haenszel tests and common odds ratio, the generalized CMH test, McNemar and the pairwise procedures,
has `Rscript` compute each one's numbers, and prints the largest relative difference per method (absolute
below 1e-10). Exit status 1 when one exceeds 1e-10, or when one side refuses what the other computes (iectox's
NotComputable where R gives NaN or NA is agreement).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from iectox.stats.methods import METHODS, POST_HOC, NotComputable
from iectox.stats.methods.cmh import mantel_haenszel_odds_ratio

TOLERANCE = 1e-10
FLOOR = 1e-10  # below it, differences are absolute: a statistic of 0 is 1e-31 in R's lm, 0 here
HEADER = 'suppressMessages(library(coin)); options(warn = -1)\no <- function(...) cat(sprintf("%.17g", c(...)), "\\n")'


def r_vector(values: object) -> str:
    return "c(" + ",".join(f"{float(v):.17g}" for v in np.ravel(values)) + ")"


def r_array(tables: np.ndarray) -> str:
    """iectox's strata x rows x columns as R's array(..., dim = c(rows, columns, strata))."""
    strata, rows, columns = tables.shape
    return f"array({r_vector(tables.transpose(0, 2, 1))}, dim = c({rows}, {columns}, {strata}))"


Case = tuple[str, str, Callable[[], list[float]]]  # method family, R code printing numbers, iectox's numbers


def welch(rng: np.random.Generator) -> Case:
    sizes = rng.integers(2, 15, int(rng.integers(3, 6)))
    groups = [np.round(rng.normal(rng.uniform(0, 3), rng.uniform(0.3, 3), n), 2) for n in sizes]
    code = f"y <- {r_vector(np.concatenate(groups))}; g <- factor(rep(seq_along({r_vector(sizes)}), {r_vector(sizes)}))"
    result = METHODS["welch_anova"].run
    return (
        "welch_anova",
        f"{code}; r <- oneway.test(y ~ g); o(r$statistic, r$p.value)",
        lambda: _sp(result(groups)),
    )


def trend(rng: np.random.Generator) -> Case:
    n = rng.integers(1, 30, int(rng.integers(3, 7)))
    x = rng.binomial(n, rng.uniform(0.1, 0.9))
    code = f"r <- prop.trend.test({r_vector(x)}, {r_vector(n)}); o(r$statistic, r$p.value)"
    return "prop_trend", code, lambda: _sp(METHODS["prop_trend"].run(np.column_stack([x, n - x])))


def lbl(rng: np.random.Generator) -> Case:
    table = rng.integers(0, 12, (int(rng.integers(2, 5)), int(rng.integers(3, 6))))
    matrix = f"matrix({r_vector(table)}, {table.shape[0]}, byrow = TRUE)"
    code = f"l <- lbl_test(as.table({matrix})); o(statistic(l), pvalue(l))"
    return "linear_by_linear", code, lambda: _sp(METHODS["linear_by_linear"].run(table))


def wilcoxon(rng: np.random.Generator) -> Case:
    a, b = rng.integers(0, 5, int(rng.integers(1, 40))), rng.integers(0, 5, int(rng.integers(1, 40)))
    code = (
        f'y <- {r_vector(np.r_[a, b])}; g <- factor(rep(c("A", "B"), c({a.size}, {b.size}))); '
        'e <- wilcox_test(y ~ g, distribution = "exact"); o(statistic(e), pvalue(e), pvalue(wilcox_test(y ~ g)))'
    )

    def ours() -> list[float]:
        exact = METHODS["wilcoxon_exact"].run([a, b])
        return [exact.statistic, exact.p_value, METHODS["wilcoxon_asymptotic"].run([a, b]).p_value]

    return "wilcoxon", code, ours


def mantel_haenszel(rng: np.random.Generator) -> Case:
    tables = rng.integers(0, 15, (int(rng.integers(2, 6)), 2, 2))
    code = (
        f"x <- {r_array(tables)}; a <- mantelhaen.test(x); b <- mantelhaen.test(x, correct = FALSE); "
        "e <- mantelhaen.test(x, exact = TRUE); o(a$statistic, a$p.value, b$p.value, a$estimate, a$conf.int, e$p.value)"
    )

    def ours() -> list[float]:
        corrected, plain = (
            METHODS["mantel_haenszel"].run(tables),
            METHODS["mantel_haenszel_uncorrected"].run(tables),
        )
        ratio = mantel_haenszel_odds_ratio(tables)
        exact = METHODS["mantel_haenszel_exact"].run(tables)
        return [
            corrected.statistic,
            corrected.p_value,
            plain.p_value,
            ratio.estimate,
            ratio.low,
            ratio.high,
            exact.p_value,
        ]

    return "mantel_haenszel", code, ours


def generalized(rng: np.random.Generator) -> Case:
    tables = rng.integers(0, 12, (int(rng.integers(2, 4)), int(rng.integers(2, 4)), int(rng.integers(3, 5))))
    code = f"r <- mantelhaen.test({r_array(tables)}); o(r$statistic, r$p.value)"
    return "cmh_generalized", code, lambda: _sp(METHODS["cmh_generalized"].run(tables))


def mcnemar(rng: np.random.Generator) -> Case:
    size = int(rng.integers(2, 4))
    table = rng.integers(0, 20, (size, size))
    code = (
        f"m <- matrix({r_vector(table)}, {size}, byrow = TRUE); a <- mcnemar.test(m); "
        "o(a$statistic, a$p.value, mcnemar.test(m, correct = FALSE)$p.value)"
    )

    def ours() -> list[float]:
        return [*_sp(METHODS["mcnemar"].run(table)), METHODS["mcnemar_uncorrected"].run(table).p_value]

    return "mcnemar", code, ours


def pairwise(rng: np.random.Generator) -> Case:
    sizes = rng.integers(2, 10, int(rng.integers(3, 5)))
    groups = [np.round(rng.normal(rng.uniform(0, 3), 1, n), 1) for n in sizes]
    code = (
        f"y <- {r_vector(np.concatenate(groups))}; g <- factor(rep(seq_along({r_vector(sizes)}), {r_vector(sizes)})); "
        "f <- function(m) m[lower.tri(m, TRUE)]; o(f(pairwise.t.test(y, g)$p.value), "
        'f(pairwise.t.test(y, g, pool.sd = FALSE, p.adjust.method = "BY")$p.value), '
        'f(pairwise.wilcox.test(y, g, p.adjust.method = "hochberg")$p.value))'
    )

    def ours() -> list[float]:
        runs = [("pairwise_t", "holm"), ("pairwise_t_welch", "by"), ("pairwise_wilcox", "hochberg")]
        return [p.adjusted for name, adjust in runs for p in POST_HOC[name].run(groups, adjust).pairs]

    return "pairwise", code, ours


def _sp(result: object) -> list[float]:
    return [result.statistic, result.p_value]  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=150, help="cases per method family")
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    rng = np.random.default_rng(options.seed)
    cases = [
        make(rng)
        for make in (welch, trend, lbl, wilcoxon, mantel_haenszel, generalized, mcnemar, pairwise)
        for _ in range(options.cases)
    ]
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "check.R"
        lines = [
            f'r <- try({{ {code} }}, silent = TRUE); if (inherits(r, "try-error")) cat("ERROR\\n")'
            for _, code, _ in cases
        ]
        script.write_text(HEADER + "\n" + "\n".join(lines) + "\n")
        printed = subprocess.run(
            ["Rscript", str(script)], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    worst: dict[str, float] = {}
    disagreements = 0
    for (family, _, ours), line in zip(cases, printed, strict=True):
        try:
            found = ours()
        except NotComputable as exc:
            if line != "ERROR" and "NA" not in line and "NaN" not in line:
                print(f"{family}: iectox refuses ({exc}) what R computes: {line}")
                disagreements += 1
            continue
        if line == "ERROR" or "NA" in line.split() or "NaN" in line.split():
            print(f"{family}: R refuses ({line}) what iectox computes: {found}")
            disagreements += 1
            continue
        expected = [float(v) for v in line.split()]
        for a, b in zip(found, expected, strict=True):
            difference = 0.0 if a == b else abs(a - b) / max(abs(b), FLOOR)
            worst[family] = max(worst.get(family, 0.0), difference)
    for family, difference in worst.items():
        print(f"{family}: largest relative difference {difference:.2e}")
    return 1 if disagreements or any(d > TOLERANCE for d in worst.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
