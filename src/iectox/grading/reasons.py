"""Reasons in words for millions of rows: a categorical whose codes are computed with NumPy.

Each reason is determined by a few small integer fields (grade, which domain set it, the device, a value...).
The fields are packed into one integer key per row (mixed radix), the key is factorised once, and only the
distinct keys, a few hundred in practice, are turned into sentences. No Python runs per row, and the result is
a pandas categorical: one copy of each sentence, however many rows share it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from iectox.i18n import N_, tr

Fields = Mapping[str, tuple[np.ndarray, int]]  # name -> (non-negative int codes, number of possible codes)


CHUNK_ROWS = 1 << 19
# Rows graded at a time. Each step makes a few temporary arrays; at half a million rows they stay under glibc's
# mmap threshold (32 MB) and are reused from the heap, while arrays of 10 million rows are mapped afresh and
# page-faulted each time: at that size the kernel's share of the CPU time exceeded the arithmetic's.

Part = Callable[[slice], tuple[np.ndarray, np.ndarray, Fields]]  # rows -> (grade, gradable, reason fields)


def value_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 1..k of the distinct `values` (0 when NaN) and the distinct values, found once for every row."""
    codes, uniques = pd.factorize(values)
    return codes + 1, np.asarray(uniques, dtype="float64")


def reason_key(fields: Fields) -> np.ndarray:
    """The fields packed into one int64 per row (mixed radix: the first field is the most significant)."""
    sizes = [size for _, size in fields.values()]
    if np.prod(np.array(sizes, dtype=float)) >= 2**62:
        raise OverflowError("too many combinations of reason fields for one 64-bit key")
    n = len(next(iter(fields.values()))[0]) if fields else 0
    key = np.zeros(n, dtype=np.int64)
    for codes, size in fields.values():
        key *= size
        key += codes
    return key


def sentences(
    keys: np.ndarray, sizes: Mapping[str, int], render: Callable[[dict[str, int]], str]
) -> tuple[np.ndarray, pd.Index]:
    """For distinct `reason_key` keys: each one's sentence as a code into the distinct sentences, and those
    sentences (in the keys' order); `render` is called once per key."""
    decoded: dict[str, np.ndarray] = {}
    rest = np.asarray(keys, dtype=np.int64)
    for name, size in reversed(sizes.items()):
        decoded[name], rest = rest % size, rest // size
    texts = [render({name: int(decoded[name][i]) for name in sizes}) for i in range(len(keys))]
    text_codes, categories = pd.factorize(np.array(texts, dtype=object))
    return text_codes, categories


def graded_in_chunks(
    n: int, part: Part, render: Callable[[dict[str, int]], str]
) -> tuple[pd.arrays.IntegerArray, pd.Categorical]:
    """Grades (Int64, blank where not gradable) and reasons of `n` rows, `part` computing `CHUNK_ROWS` rows at a
    time; each part's field codes must mean the same in every part, so that one key names one sentence.

    Each chunk's keys are factorised in the chunk; the chunks' distinct keys, in order, are factorised together,
    so keys, and then sentences, are numbered in the order the rows first show them, as one factorisation of
    every row would."""
    grade = np.empty(n, dtype=np.int64)
    gradable = np.empty(n, dtype=bool)
    codes = np.empty(n, dtype=np.int32)  # the key's position among its chunk's keys, then the sentence's
    chunks: list[tuple[slice, np.ndarray]] = []
    sizes: dict[str, int] = {}
    for start in range(0, max(n, 1), CHUNK_ROWS):
        rows = slice(start, min(start + CHUNK_ROWS, n))
        grade[rows], gradable[rows], fields = part(rows)
        codes[rows], keys = pd.factorize(reason_key(fields))
        chunks.append((rows, np.asarray(keys, dtype=np.int64)))
        sizes = {name: size for name, (_, size) in fields.items()}
    key_codes, keys = pd.factorize(np.concatenate([keys for _, keys in chunks]))
    text_codes, categories = sentences(np.asarray(keys), sizes, render)
    offset = 0
    for rows, chunk_keys in chunks:
        codes[rows] = text_codes[key_codes[offset : offset + len(chunk_keys)]][codes[rows]]
        offset += len(chunk_keys)
    return pd.arrays.IntegerArray(grade, ~gradable), pd.Categorical.from_codes(codes, categories=categories)


def missing_list(bits: int, names: Sequence[str]) -> str:
    """The names whose bit is set, for "not recorded: a, b"."""
    return ", ".join(name for i, name in enumerate(names) if bits >> i & 1)


def pack_bits(masks: Sequence[np.ndarray]) -> tuple[np.ndarray, int]:
    """One small integer per row from boolean masks (bit i = masks[i]), and the number of possible values."""
    bits = np.zeros(len(masks[0]), dtype=np.int64)
    for i, mask in enumerate(masks):
        bits |= mask.astype(np.int64) << i
    return bits, 1 << len(masks)


def number_text(value: float, decimals: int = 0, lang: str = "en") -> str:
    """A recorded number as a person wrote it: 8, 6.5, 38.0 (`decimals` is the least number of decimals);
    38,0 in French."""
    text = f"{value:.{decimals}f}" if value == round(value, decimals) else repr(float(value))
    return text.replace(".", ",") if lang == "fr" else text


HEAD = N_("grade {grade}")
HEAD_LOWER = N_("grade {grade} (lower bound)")
SENTENCE = N_("{head}: {body}")
BOTH = N_("{first} and {second}")
NOT_RECORDED = N_("{body}; not recorded: {names}")


def joined(parts: Sequence[str], lang: str) -> str:
    """ "a and b and c" in `lang`."""
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = tr(BOTH, lang).format(first=text, second=part)
    return text


def sentence(grade: int, lower_bound: bool, body: str, missing: str, lang: str) -> str:
    """ "grade 2 (lower bound): body; not recorded: x, y" in `lang`: the grade, what sets it, and the missing
    inputs that could raise it (column names, as the data has them)."""
    if missing:
        body = tr(NOT_RECORDED, lang).format(body=body, names=missing)
    head = tr(HEAD_LOWER if lower_bound else HEAD, lang).format(grade=grade)
    return tr(SENTENCE, lang).format(head=head, body=body)
