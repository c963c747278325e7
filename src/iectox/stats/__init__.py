"""Statistics for comparison tables: `compare()` and its policy, tests matching R, effect sizes, adjustment."""

from iectox.stats.compare import Comparison, compare
from iectox.stats.methods import *  # noqa: F403  (every method, effect size and adjustment: see stats/methods)
from iectox.stats.methods import __all__ as _tests
from iectox.stats.policy import PRESETS, MethodPolicy
from iectox.stats.variables import Variable

__all__ = ["PRESETS", "Comparison", "MethodPolicy", "Variable", "compare", *_tests]
