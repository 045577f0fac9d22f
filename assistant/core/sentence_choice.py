"""Which evidence sentence answers the question, or none, read from the local model's first token after the
numbered sentences (`prompts.CHOOSE`) rather than from text it writes.

The issue's probe on squad-train dev found P("0") separates unanswerable from answerable questions (ROC AUC 0.77)
while the argmax among the numbers is poor (the model favours "1"); so the share on "none" is one signal of the
refusal decision (`refusal_model`), and the chosen number is only recorded and compared with what the answer cites.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_OPTIONS = 9
"""Single-digit labels only: Qwen's tokenizer writes each digit as its own token."""


@dataclass(frozen=True)
class SentenceChoice:
    shares: tuple[float, ...]
    """The probability on each label among the labels: index 0 is "none", index n the evidence sentence [n]."""

    @property
    def none_probability(self) -> float:
        return self.shares[0]

    @property
    def chosen(self) -> int | None:
        """The sentence the model puts most weight on, none counted as a sentence (None when it is "none")."""
        best = max(range(len(self.shares)), key=self.shares.__getitem__)
        return best or None


def labels(count: int) -> list[list[str]]:
    return [[str(n)] for n in range(min(count, MAX_OPTIONS) + 1)]
