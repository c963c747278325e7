"""Pairwise post-hoc comparisons laid out for a reader, in English and French."""

from __future__ import annotations

import numpy as np

from iectox.render import Formatter, pairwise_frame
from iectox.stats.methods import POST_HOC

A = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5]
B = [6.5, 6.0, 7.1, 6.8, 5.9]
C = [7.2, 8.1, 6.4, 9.0, 7.7, 8.8, 6.9]


def test_pairwise_frame_has_one_line_per_pair_with_raw_and_adjusted_p():
    # pairwise.t.test(y, g, pool.sd = FALSE): b-a 0.0316, c-a 0.0017, c-b 0.0316 (holm); raw 0.0158 / 0.0006 / 0.0224
    result = POST_HOC["pairwise_t_welch"].run([A, B, C], "holm", labels=["A", "B", "C"])
    frame = pairwise_frame(result, Formatter(p_digits=3))
    assert list(frame.columns) == ["Comparison", "Test", "p-value", "Adjusted p-value (Holm)"]
    assert frame["Comparison"].tolist() == ["B vs A", "C vs A", "C vs B"]
    assert frame["Test"].tolist() == ["Welch Two Sample t-test"] * 3
    assert frame["Adjusted p-value (Holm)"].tolist() == ["0.032", "0.002", "0.032"]


def test_pairwise_frame_in_french_says_why_a_pair_was_not_tested():
    result = POST_HOC["pairwise_prop"].run(
        np.column_stack([[0, 0, 5], [10, 12, 6]]), "none", labels=["A", "B", "C"]
    )
    frame = pairwise_frame(result, Formatter(lang="fr", p_digits=3))
    assert list(frame.columns) == ["Comparaison", "Test", "p", "p ajusté (non ajusté)"]
    assert frame.iloc[0, 0] == "B vs A" and frame.iloc[0, 1] == ""
    assert frame.iloc[0, 2].startswith("non testé : ")
    assert frame.iloc[1, 1] == "Test du khi-deux de Pearson avec correction de continuité de Yates"
