"""Time to event, as R computes it: Kaplan-Meier (`survival::survfit`), the log-rank test (`survdiff`), the
median follow-up by reverse Kaplan-Meier, cumulative incidence with competing risks and Gray's test
(`cmprsk::cuminc`). Times are used as given: tied days stay ties, never jittered."""

from iectox.stats.survival.competing_risks import (
    CumulativeIncidence,
    GrayTest,
    cumulative_incidence,
    gray_test,
)
from iectox.stats.survival.kaplan_meier import KaplanMeier, Quantile, kaplan_meier, median_follow_up
from iectox.stats.survival.log_rank import LogRank, log_rank

__all__ = [
    "CumulativeIncidence",
    "GrayTest",
    "KaplanMeier",
    "LogRank",
    "Quantile",
    "cumulative_incidence",
    "gray_test",
    "kaplan_meier",
    "log_rank",
    "median_follow_up",
]
