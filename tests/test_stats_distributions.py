"""The p-values' distribution functions are scipy.stats' own, to the last bit, without importing scipy.stats."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from iectox.stats.methods import distributions as d

X = [0.0, 1e-8, 0.3, 1.0, 2.5, 3.841458820694124, 10.0, 60.0, 400.0]
DF = [1.0, 2.0, 3.0, 7.5, 48.920494217044975, 1e6]


@pytest.mark.parametrize("df", DF)
def test_the_same_numbers_as_scipy_stats(df):
    for x in X:
        assert d.chi2_sf(x, df) == float(stats.chi2.sf(x, df))
        assert d.t_sf(x, df) == float(stats.t.sf(x, df))
        assert d.t_sf(-x, df) == float(stats.t.sf(-x, df))
        assert d.f_sf(x, 3.0, df) == float(stats.f.sf(x, 3.0, df))
        assert d.norm_cdf(-x) == float(stats.norm.cdf(-x)) and d.norm_sf(x) == float(stats.norm.sf(x))
    for q in (0.025, 0.5, 0.975):
        assert d.t_ppf(q, df) == float(stats.t.ppf(q, df))
        assert d.norm_ppf(q) == float(stats.norm.ppf(q))
    assert np.isclose(d.norm_ppf(0.975), 1.959963984540054)


def test_the_statistics_import_without_scipy_stats():
    code = "import sys, iectox.stats; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
