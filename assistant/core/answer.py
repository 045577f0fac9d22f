"""The typed result of one question: what the CLI prints, the UI renders and the evaluation scores."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, PrivateAttr

from ingest.records import StoredPassage

if TYPE_CHECKING:
    from assistant.core.retrieval import RetrievedPassage


class PassageRef(BaseModel):
    """Where a cited sentence or a shown passage stands: the article, and character offsets in its normalized text."""

    passage_id: str
    article_id: str
    title: str
    source: str
    start: int = Field(description="character offset in the normalized article")
    end: int
    published_at: str | None = None
    outlet: str | None = None
    also_reported_by: list[str] = Field(
        default_factory=list, description="the other outlets (or titles) that ran the same story, earliest first"
    )

    @classmethod
    def fields_of(cls, passage: StoredPassage) -> dict:
        """The reference fields of a stored passage (its own span; a citation narrows it to one sentence)."""
        return {
            "passage_id": passage.id,
            "article_id": passage.article_id,
            "title": passage.title,
            "source": passage.source,
            "start": passage.start,
            "end": passage.end,
            "published_at": passage.published_at,
            "outlet": passage.outlet,
        }


class Citation(PassageRef):
    marker: int
    quote: str = Field(description="the supporting sentence exactly as it stands in the article")


class Source(PassageRef):
    """A retrieved passage, shown when the answer is refused or failed so the user still has the evidence."""

    text: str
    score: float


class QuoteVerdict(StrEnum):
    """What a quote check found; the first word of its answer."""

    VERBATIM = "verbatim"
    PARAPHRASE = "paraphrase"
    SOMEONE_ELSE = "someone_else"
    CHANGED = "changed"
    NOT_FOUND = "not_found"

    @property
    def words(self) -> str:
        return self.value.replace("_", " ").capitalize()


class QuoteCheck(BaseModel):
    """The verdict of "Did X say …?", with who the articles show saying it and what the claim changes."""

    verdict: QuoteVerdict
    claim: str = Field(description="the words checked")
    asked: str | None = Field(None, description="who the question says said them; None for “Who said …?”")
    said_by: list[str] = Field(default_factory=list, description="who the cited sentences show saying them")
    changes: list[str] = Field(default_factory=list, description="how the claim departs from what was said")
    meaning_probability: float | None = Field(
        None, description="the local model's P(same meaning) for the sentence a paraphrase or change was read from"
    )


class TimelineLine(BaseModel):
    """One dated event of a timeline answer, for a UI to draw: its date, whether the sentence stated it, the
    outlets that told it and the markers citing them."""

    date: str = Field(description="ISO day (a year, month or week starts it) the event is placed at")
    label: str = Field(description="the date as shown: 2026-03-03, 2026-03, 2009, week of 2026-02-23")
    stated: bool = Field(description="the sentence gives the date; false: the article's publication date stands in")
    text: str
    outlets: list[str] = Field(default_factory=list)
    markers: list[int] = Field(default_factory=list)


class ClaimVerdict(StrEnum):
    """What the checks did with one claim the model wrote."""

    VERIFIED = "verified"
    """Kept, citing a sentence the model itself pointed at."""
    REPOINTED = "re-pointed"
    """Kept, but its marker moved to the shown sentence that supports it (the model cited none that does)."""
    DROPPED = "dropped"
    """Removed: no shown sentence supports it, or a later check took it out."""


class ClaimCheck(BaseModel):
    text: str = Field(description="the claim as the model wrote it, markers removed")
    verdict: ClaimVerdict
    markers: list[int] = Field(default_factory=list, description="the citation markers it carries in the answer")
    by: str = Field(description="the check that decided: 'citations', or the later check that dropped it")


class Timings(BaseModel):
    retrieve_s: float = 0.0
    rewrite_s: float = 0.0
    first_token_s: float | None = None
    choice_s: float | None = Field(None, description="the local model's choice of the sentence that answers, or none")
    span_s: float | None = Field(None, description="the model's choice of the span that answers (span questions)")
    check_s: float | None = Field(None, description="the checks of a generated answer, the model's answer check included")
    total_s: float = 0.0


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Signals(BaseModel):
    """What the refusal decision read for one generated answer (local model): each from the model's next-token
    probabilities or from retrieval, recorded so one evaluation run can refit the decision."""

    none_probability: float = Field(description="P(“0”, none of the sentences answers) in the numbered pass")
    choice_shares: list[float] = Field(default_factory=list, description="the numbered pass's shares: none, [1], [2], …")
    chosen_sentence: int | None = Field(None, description="the evidence number the model put most weight on (None: none)")
    chosen_cited: bool = Field(False, description="the answer cites that sentence")
    same_probability: float = Field(description="the answer check's P(“same”): the answer is about what was asked")
    evidence_score: float = Field(description="the best evidence sentence's relevance to the question")
    span_probability: float | None = Field(
        None, description="a span answer's probability among the candidate spans; None for an answer the model wrote"
    )
    answerable: float | None = Field(None, description="the refusal model's probability that the evidence answers")


class SpanAnswer(BaseModel):
    """A who/when/where/how-many answer the model chose among the evidence's spans, the code writing the reply."""

    text: str
    sentence: int = Field(
        description="the evidence sentence cited: of those holding the span, the one the numbered pass weighs most"
    )
    probability: float | None = Field(description="the span's probability among the candidates; None where read from words")
    candidates: int = Field(description="how many spans of the evidence were candidates")
    kind: str = Field(description="what the question asks for: who, when, where, number, thing")


class YesNoPart(BaseModel):
    """One part of a compound yes/no question, judged against its own sentences."""

    part: str = Field(description="the part, asked as a question")
    verdict: str = Field(description="Yes or No for this part")
    probability: float = Field(description="P(Yes) with the part's sentences shown")
    prior: float | None = Field(
        description="P(Yes) for the part with no evidence: the model's leaning (None: not read, weight 0)"
    )
    sentences: list[int] = Field(description="the evidence sentences (the answer's numbers) this part was read against")


class Answer(BaseModel):
    question: str
    standalone_question: str
    answer: str
    citations: list[Citation] = []
    refused: bool = False
    timings: Timings = Timings()
    model: str = ""
    sources: list[Source] = []
    retrieved_ids: list[str] = []
    unsupported: list[str] = Field(default=[], description="claims removed because no evidence supported them")
    claims: list[ClaimCheck] = Field(default_factory=list, description="each claim the model wrote and its verdict")
    raw_answer: str = ""
    markers_total: int = Field(0, description="[n] markers in the model's raw answer")
    markers_valid: int = Field(0, description="of those, the ones that point at evidence that was shown")
    usage: Usage = Usage()
    error: str | None = None
    scope: str | None = Field(None, description="the filter the answer was limited to, in words")
    scope_from_question: bool = Field(False, description="the question itself named the outlet or the time")
    answer_check: float | None = Field(
        None, description="the local model's probability that its answer is about exactly what the question asks"
    )
    signals: Signals | None = Field(None, description="what the refusal decision read, when the model's choices were read")
    choices_from: str | None = Field(
        None,
        description="how the model's choices (the sentence that answers, Yes or No, the answer check) were read: "
        "'logits' (local model), 'logprobs' (a remote server's), 'completion' (the first word of a short reply: "
        "no probabilities); None when none was made",
    )
    checks_run: list[str] = Field(default_factory=list, description="the checks that judged this generated answer, in order")
    span: SpanAnswer | None = Field(None, description="set when the answer is a span the model chose, not text it wrote")
    yes_no_probability: float | None = Field(
        None, description="a yes/no question's P(Yes) as the local model's first word after the evidence"
    )
    yes_no_prior: float | None = Field(None, description="the same P(Yes) with no evidence shown: the model's leaning")
    yes_no_parts: list[YesNoPart] = Field(
        default_factory=list,
        description="a compound question's parts, each with its own Yes or No; the answer is Yes only when each is "
        "(yes_no_probability is then the weakest part's)",
    )
    quote_check: QuoteCheck | None = Field(None, description="set when the question checks a quote")
    timeline: list[TimelineLine] = Field(default_factory=list, description="a timeline answer's events, in order")
    timeline_since: str | None = Field(None, description="how a timeline's “since …” was read: the day and what it counts from")
    _ranking: list[RetrievedPassage] = PrivateAttr(default_factory=list)

    @property
    def ranking(self) -> list[RetrievedPassage]:
        """Every passage the search ranked for this answer, best first; empty when the answer came another way
        (an overview, a speaker's sentences). Kept out of the JSON: evaluations score it without searching again."""
        return self._ranking

    @ranking.setter
    def ranking(self, passages: list[RetrievedPassage]) -> None:
        self._ranking = passages


class Stage(StrEnum):
    """What the assistant is doing while a person waits; sent as it starts each step, so a UI or an API client can
    say why nothing has appeared yet."""

    SEARCHING = "searching"
    WRITING = "writing"
    CHECKING = "checking"

    @property
    def words(self) -> str:
        return _STAGE_WORDS[self]


_STAGE_WORDS = {
    Stage.SEARCHING: "Searching the articles…",
    Stage.WRITING: "Writing the answer…",
    Stage.CHECKING: "Checking the citations…",
}


@dataclass
class Event:
    """One step of a streamed answer: 'stage' (a `Stage`), 'standalone', 'evidence', 'token' or 'answer' (always
    last)."""

    kind: str
    data: Any
