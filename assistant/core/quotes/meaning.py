"""Does a sentence say what a claim says, in other words? Read from the local model's next-token probabilities
(Yes against No), one sentence at a time: the claim comes first, so the llama.cpp cache keeps it from one
sentence to the next and each sentence costs only its own tokens. A context of its own ("choice") leaves the
answer prompt's cached prefix in place."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.models.choices import choice_reader, word_odds

from .claim import QuoteClaim

ASK = (
    'Claim: someone {statement}.\nSentence: "{sentence}"\n'
    "Does the sentence report the same claim, with the same meaning (other words are fine; another number, date, "
    "negation or scope is not)? Reply with one word: Yes or No."
)
_YES = ["Yes", " Yes", "yes", " yes"]
_NO = ["No", " No", "no", " no"]


def same_meaning(model: BaseChatModel | None, claim: QuoteClaim, sentence: str) -> float | None:
    """P(Yes); None where it cannot be read (a chat model Byline does not know: the verdict then rests on the words
    alone)."""
    reader = choice_reader(model)
    if reader is None:
        return None
    turns = [{"role": "user", "content": ASK.format(statement=claim.statement, sentence=sentence)}]
    return word_odds(reader.in_slot("choice"), turns, _YES, _NO)
