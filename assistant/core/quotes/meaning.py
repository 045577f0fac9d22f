"""Does a sentence say what a claim says, in other words? Read from the local model's next-token probabilities
(Yes against No), one sentence at a time: the claim comes first, so the llama.cpp cache keeps it from one
sentence to the next and each sentence costs only its own tokens. A context of its own ("choice") leaves the
answer prompt's cached prefix in place."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.models.chat_models import LocalChatModel
from assistant.models.next_token import first_word_odds

from .claim import QuoteClaim

ASK = (
    'Claim: someone {statement}.\nSentence: "{sentence}"\n'
    "Does the sentence report the same claim, with the same meaning (other words are fine; another number, date, "
    "negation or scope is not)? Reply with one word: Yes or No."
)
_YES = ["Yes", " Yes", "yes", " yes"]
_NO = ["No", " No", "no", " no"]


def same_meaning(model: BaseChatModel | None, claim: QuoteClaim, sentence: str) -> float | None:
    """P(Yes); None for a backend without next-token logits (the verdict then rests on the words alone)."""
    if not isinstance(model, LocalChatModel):
        return None
    turns = [{"role": "user", "content": ASK.format(statement=claim.statement, sentence=sentence)}]
    return first_word_odds(model.model_copy(update={"slot": "choice"}), turns, _YES, _NO)
