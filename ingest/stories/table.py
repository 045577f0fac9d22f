"""Every stored article's band keys, story and shingle hashes as arrays: what finding a new article's copies needs.

Held as a dict of sets of band keys, 65k articles took about a gigabyte and reading them from Chroma two minutes,
which a one-article ingest paid in full. Here the rows are arrays (64 uint64 band keys an article, its shingle
hashes end to end) with each band sorted, so a lookup is 64 binary searches; saved as .npy files that a process
maps into memory instead of reading, so loading the table for one article costs next to nothing. Rows added since
the last sort are compared directly until there are enough of them to sort again.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path

import numpy as np

from ingest.store.files import remove_unused
from ingest.stories.fingerprint import BANDS, Fingerprint, containment

_RESORT_SHARE = 0.1
_ARRAYS = ("keys", "sorted", "order", "hashes", "offsets")


class BandTable:
    def __init__(self, seq: int = 0):
        self.seq = seq
        """The change-log record the table reflects."""
        self.ids: list[str] = []
        self.stories: list[str] = []
        self.live: list[bool] = []
        self.row: dict[str, int] = {}
        self._keys = np.zeros((0, BANDS), dtype=np.uint64)
        self._sorted = np.zeros((BANDS, 0), dtype=np.uint64)
        self._order = np.zeros((BANDS, 0), dtype=np.int64)
        self._hashes = np.zeros(0, dtype=np.uint32)
        self._offsets = np.zeros(1, dtype=np.int64)
        self._new_keys: list[np.ndarray] = []
        self._new_hashes: list[np.ndarray] = []
        """Rows added since the bands were last sorted (they follow the sorted rows)."""

    def __len__(self) -> int:
        return len(self.row)

    @property
    def _sorted_rows(self) -> int:
        return len(self._keys)

    def add(self, article_id: str, story_id: str, fp: Fingerprint) -> None:
        self.remove(article_id)
        self.row[article_id] = len(self.ids)
        self.ids.append(article_id)
        self.stories.append(story_id)
        self.live.append(True)
        self._new_keys.append(fp.band_keys())
        self._new_hashes.append(fp.hashes)

    def remove(self, article_id: str) -> None:
        row = self.row.pop(article_id, None)
        if row is not None:
            self.live[row] = False

    def _hashes_of(self, row: int) -> np.ndarray:
        if row < self._sorted_rows:
            return self._hashes[self._offsets[row] : self._offsets[row + 1]]
        return self._new_hashes[row - self._sorted_rows]

    def _resort(self) -> None:
        keys = np.vstack([self._keys, *self._new_keys]) if self._new_keys else np.asarray(self._keys)
        hashes = [np.asarray(self._hashes), *self._new_hashes]
        lengths = np.diff(self._offsets).tolist() + [len(h) for h in self._new_hashes]
        self._order = np.argsort(keys, axis=0, kind="stable").T.copy()
        self._sorted = np.take_along_axis(keys, self._order.T, axis=0).T.copy()
        self._keys, self._hashes = keys, np.concatenate(hashes)
        self._offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        self._new_keys, self._new_hashes = [], []

    def candidates(self, keys: np.ndarray) -> list[int]:
        """Live rows sharing at least one band key with these."""
        if len(self._new_keys) > max(1000, _RESORT_SHARE * self._sorted_rows):
            self._resort()
        found: set[int] = set()
        for band in range(BANDS):
            row = self._sorted[band]
            lo, hi = np.searchsorted(row, keys[band], "left"), np.searchsorted(row, keys[band], "right")
            if hi > lo:
                found.update(self._order[band, lo:hi].tolist())
        if self._new_keys:
            hits = np.flatnonzero(np.any(np.vstack(self._new_keys) == keys[None, :], axis=1))
            found.update((hits + self._sorted_rows).tolist())
        return [r for r in found if self.live[r]]

    def match(self, article_id: str, fp: Fingerprint, threshold: float) -> str | None:
        """The story of the stored article this one is a copy of (the best containment at or over the threshold)."""
        best, best_score = None, 0.0
        for row in self.candidates(fp.band_keys()):
            if self.ids[row] == article_id:
                continue
            score = containment(fp.hashes, self._hashes_of(row))
            if score >= threshold and score > best_score:
                best, best_score = self.stories[row], score
        return best

    # --- persistence -------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Arrays under a fresh name, then `current.json` swapped to point at them: a reader never sees half."""
        live = [r for r in range(len(self.ids)) if self.live[r]]
        if len(live) != len(self.ids) or self._new_keys:
            self._compact(live)
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            name = uuid.uuid4().hex[:12]
            arrays = {
                "keys": self._keys,
                "sorted": self._sorted,
                "order": self._order,
                "hashes": self._hashes,
                "offsets": self._offsets,
            }
            for key, value in arrays.items():
                np.save(folder / f"{name}.{key}.npy", np.ascontiguousarray(value))
            (folder / f"{name}.json").write_text(json.dumps({"seq": self.seq, "ids": self.ids, "stories": self.stories}))
            tmp = folder / f"current.{name}.tmp"
            tmp.write_text(json.dumps({"name": name}))
            os.replace(tmp, folder / "current.json")
            remove_unused(folder, lambda file: file.startswith((name, "current")))

    def _compact(self, live: list[int]) -> None:
        self._resort()
        keep = np.array(live, dtype=np.int64)
        lengths = np.diff(self._offsets)[keep] if len(keep) else np.zeros(0, dtype=np.int64)
        hashes = [self._hashes[self._offsets[r] : self._offsets[r + 1]] for r in live]
        self._keys = self._keys[keep] if len(keep) else np.zeros((0, BANDS), dtype=np.uint64)
        self._hashes = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint32)
        self._offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        self.ids, self.stories = [self.ids[r] for r in live], [self.stories[r] for r in live]
        self.live, self.row = [True] * len(live), {aid: i for i, aid in enumerate(self.ids)}
        self._order = np.argsort(self._keys, axis=0, kind="stable").T.copy()
        self._sorted = np.take_along_axis(self._keys, self._order.T, axis=0).T.copy()

    @classmethod
    def load(cls, folder: Path) -> BandTable | None:
        """The saved table, its arrays mapped rather than read; None when there is none or it cannot be read."""
        try:
            name = json.loads((folder / "current.json").read_text())["name"]
            meta = json.loads((folder / f"{name}.json").read_text())
            arrays = {key: np.load(folder / f"{name}.{key}.npy", mmap_mode="r") for key in _ARRAYS}
        except (OSError, ValueError, KeyError):
            return None
        table = cls(int(meta["seq"]))
        table.ids, table.stories = list(meta["ids"]), list(meta["stories"])
        table.live, table.row = [True] * len(table.ids), {aid: i for i, aid in enumerate(table.ids)}
        table._keys, table._sorted, table._order = arrays["keys"], arrays["sorted"], arrays["order"]
        table._hashes, table._offsets = arrays["hashes"], arrays["offsets"]
        return table


__all__ = ["BandTable"]
