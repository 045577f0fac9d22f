"""What makes two articles copies of one story, in one place: MinHash signatures of word-pair shingles, banded
(64 bands of 2 rows) for locality-sensitive lookup of candidates, and the exact containment of the shorter text's
shingles in the longer one's for the decision.

Containment, not Jaccard: an outlet that runs a wire story trims its end, adds a local paragraph or boilerplate and
writes its own headline, so the copy shares most of the shorter text's shingles while the two sets' union grows.
The threshold was swept on syndicated copies of MultiHop-RAG dev articles (docs/FEEDS.md).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128
BANDS = 64
ROWS = NUM_PERM // BANDS
SHINGLE = 2
MAX_SHINGLES = 4000
SAME_STORY = 0.7
"""Least containment of the shorter article's shingles in the longer one's for one story: the highest-recall
threshold with pair precision >= 0.98 on dev data (`byline dedup-sweep`, docs/FEEDS.md)."""
_WORDS = re.compile(r"\w+")


def shingles(text: str) -> set[str]:
    words = _WORDS.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@dataclass(frozen=True)
class Fingerprint:
    signature: np.ndarray
    """MinHash values: banded, they find the candidates."""
    hashes: np.ndarray
    """The shingles themselves, hashed (sorted, unique, at most MAX_SHINGLES): the decision is made on them exactly,
    since a 128-value MinHash estimate is too rough for short articles."""

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        from datasketch import MinHash

        found = shingles(text)
        sketch = MinHash(num_perm=NUM_PERM, seed=7)
        sketch.update_batch([s.encode() for s in found])
        hashes = np.unique(
            np.fromiter((int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little") for s in found), np.uint32)
        )[:MAX_SHINGLES]
        return cls(np.asarray(sketch.hashvalues, dtype=np.uint64), hashes)

    @property
    def size(self) -> int:
        return len(self.hashes)

    def bands(self) -> list[str]:
        """One key per band of rows: two texts that share any key are candidates."""
        return [
            hashlib.blake2b(self.signature[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).hexdigest() for b in range(BANDS)
        ]

    def jaccard(self, other: Fingerprint) -> float:
        return float(np.mean(self.signature == other.signature))

    def containment(self, other: Fingerprint) -> float:
        return containment(self.hashes, other.hashes)

    def encode(self) -> tuple[str, str]:
        return base64.b64encode(self.signature.tobytes()).decode(), base64.b64encode(self.hashes.tobytes()).decode()

    @classmethod
    def decode(cls, signature: str, hashes: str) -> Fingerprint:
        return cls(
            np.frombuffer(base64.b64decode(signature), dtype=np.uint64).copy(),
            np.frombuffer(base64.b64decode(hashes), dtype=np.uint32).copy(),
        )


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the smaller shingle set found in the larger (sorted, unique hashes)."""
    if not len(a) or not len(b):
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))


def same_story(a: Fingerprint, b: Fingerprint, threshold: float = SAME_STORY) -> bool:
    return a.containment(b) >= threshold
