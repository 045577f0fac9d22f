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
import struct
from dataclasses import dataclass
from functools import lru_cache

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
_SEED = 7


def shingles(text: str) -> set[str]:
    words = _WORDS.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


_MAX_HASH = np.uint32((1 << 32) - 1)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _mix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash(found: set[str]) -> np.ndarray:
    """datasketch 2.0's MinHash (its default affine32 scheme: SHA-1's first 32 bits, mixed, then a·h + b mod 2^32,
    seed 7), the same values bit for bit (tested against it): importing datasketch pulls in scipy.integrate, half a
    second of every `byline ingest`, for these few lines."""
    if not found:
        return np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    values = np.array([struct.unpack("<I", hashlib.sha1(s.encode()).digest()[:4])[0] for s in found], dtype=np.uint32)
    a, b = _permutations()
    with np.errstate(over="ignore"):
        permuted = _mix(values).reshape(-1, 1) * a + b
    return permuted.min(axis=0).astype(np.uint64)


@dataclass(frozen=True)
class Fingerprint:
    signature: np.ndarray
    """MinHash values: banded, they find the candidates."""
    hashes: np.ndarray
    """The shingles themselves, hashed (sorted, unique, at most MAX_SHINGLES): the decision is made on them exactly,
    since a 128-value MinHash estimate is too rough for short articles."""

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        found = shingles(text)
        hashes = np.unique(
            np.fromiter((int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little") for s in found), np.uint32)
        )[:MAX_SHINGLES]
        return cls(minhash(found), hashes)

    @property
    def size(self) -> int:
        return len(self.hashes)

    def bands(self) -> list[str]:
        """One key per band of rows: two texts that share any key are candidates."""
        return [
            hashlib.blake2b(self.signature[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).hexdigest() for b in range(BANDS)
        ]

    def band_keys(self) -> np.ndarray:
        """The same band keys as 64-bit numbers, for the arrays of `BandTable`."""
        return np.frombuffer(
            b"".join(
                hashlib.blake2b(self.signature[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest() for b in range(BANDS)
            ),
            dtype=np.uint64,
        )

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
