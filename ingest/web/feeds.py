"""The feeds a user follows, remembered in the store folder so `byline feeds refresh` can fetch them all."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.records import IngestError
from ingest.settings import Settings
from ingest.web.fetch import check_url


@dataclass(frozen=True)
class Feed:
    url: str
    name: str = ""


class FeedList:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.path: Path = settings.store.path / "feeds.json"

    def all(self) -> list[Feed]:
        try:
            return [Feed(**f) for f in json.loads(self.path.read_text())]
        except FileNotFoundError:
            return []
        except (ValueError, TypeError) as err:
            raise IngestError(f"{self.path}: the feed list is damaged ({err}); fix or delete the file") from None

    def add(self, url: str, name: str = "") -> bool:
        """False when the feed is already followed."""
        check_url(url, allow_private=True)  # the scheme now; addresses when it is fetched
        feeds = self.all()
        if any(f.url == url for f in feeds):
            return False
        self._save([*feeds, Feed(url, name)])
        return True

    def remove(self, url: str) -> bool:
        feeds = self.all()
        kept = [f for f in feeds if f.url != url]
        self._save(kept)
        return len(kept) != len(feeds)

    def _save(self, feeds: list[Feed]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps([asdict(f) for f in feeds], indent=1))
        os.replace(tmp, self.path)
