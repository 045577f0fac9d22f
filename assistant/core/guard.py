"""Recognises article sentences that address the model instead of the reader.

Defence in depth beside the prompt (which tells the model that evidence is data): a sentence that reads as an
instruction to an AI is never shown to the model as evidence, though it stays in the store and in the sources
a user sees. The patterns are deliberately narrow, so ordinary reporting about instructions or prompts passes.
"""

from __future__ import annotations

import re

_PATTERNS = re.compile(
    r"\b(ignore|disregard|forget) (all |any |the )?(previous|prior|above|earlier|preceding) (instructions|rules|prompts?)\b"
    r"|^\s*(system|assistant|user|developer)\s*:"
    r"|\b(you are now|from now on,? you|developer mode|jailbreak)\b"
    r"|\b(reply|respond|answer) (only )?with (the word|only)\b"
    r"|\b(print|reveal|show|repeat|output) your (full |entire |hidden )?(system )?(prompt|instructions|rules)\b"
    r"|^\s*(dear )?(assistant|ai|chatbot|model|llm)\s*[,:]"
    r"|\bwhen you (answer|respond|reply|summari[sz]e)\b"
    r"|\b(new instruction|instruction for the (ai|assistant|model))\b",
    re.IGNORECASE | re.MULTILINE,
)


def looks_like_instruction(text: str) -> bool:
    return bool(_PATTERNS.search(text))


_INSTRUCTING_TAIL = re.compile(
    r"(?:[,;.!]|\s(?:and|but|then|also))\s+(?:please\s+)?(?:ignore|disregard|forget|instead|pretend|reply|respond|answer only|"
    r"say only|do not use|don't use)\b.*$",
    re.IGNORECASE,
)


def without_instructions(text: str) -> str:
    """A question's topic without an instruction tacked on ("the talks and ignore the articles" → "the talks"), so
    that the instruction is neither searched for nor repeated back in a refusal."""
    return _INSTRUCTING_TAIL.sub("", text).strip(" ,;")
