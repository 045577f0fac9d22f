"""Who said what with the real local model: no answer may put words in the wrong mouth.

A misattribution is an answer (not a refusal) about someone the articles never quote, a citation of a sentence
the asked speaker does not speak in, or an answer on a topic the speaker never spoke on.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.model

QUOTED = {
    "What did Vance say?": "JD Vance",
    "What did JD Vance say about Russia?": "JD Vance",
    "What does Vance think about the situation?": "JD Vance",
    "What did Zelensky say?": "Volodymyr Zelensky",
    "How did Zelensky respond to the call?": "Volodymyr Zelensky",
    "What did Putin propose?": "Vladimir Putin",
    "What was Macron's position on the ceasefire?": "Emmanuel Macron",
    "What did Emmanuel Macron urge Putin to do?": "Emmanuel Macron",
    "What did Trump say about his conversation with Putin?": "Donald Trump",
    "What did Bridget Brink say?": "Bridget Brink",
    "What did the UK government say?": "UK government",
}
ABSENT = [
    "What did Keir Starmer say?",
    "What did Olaf Scholz say about the ceasefire?",
    "What did Xi Jinping propose?",
    "What does Giorgia Meloni think about sanctions?",
    "How did Recep Erdogan respond to the call?",
    "What did Angela Merkel say about Putin?",
]
MENTIONED = ["What did Amnesty International say?", "What did the European Union say?", "What did the Kremlin say?"]
OFF_TOPIC = [
    "What did Vance say about the budget?",
    "What did Macron say about Amnesty International?",
    "What did Putin say about Kherson?",
]
MISSPELT = {
    "What did Macrn say?": ("Macron", "Emmanuel Macron"),
    "What did Zelenskyy say?": ("Zelensky", "Volodymyr Zelensky"),
    "What did Vanse say?": ("Vance", "JD Vance"),
    "What did Puttin propose?": ("Putin", "Vladimir Putin"),
}


def _cited_speakers(assistant, answer) -> list[tuple[str, ...]]:
    stored = assistant.store.passages([c.passage_id for c in answer.citations])
    return [stored[c.passage_id].speakers_of(c.start, c.end) for c in answer.citations]


def test_no_words_in_the_wrong_mouth(local_assistant):
    misattributed: list[str] = []
    rows = []
    for question, speaker in QUOTED.items():
        answer = local_assistant.ask(question)
        wrong = [s for s in _cited_speakers(local_assistant, answer) if speaker not in s]
        if wrong:
            misattributed.append(f"{question} cited sentences spoken by {wrong}")
        rows.append((question, "refused" if answer.refused else f"{len(answer.citations)} citations", answer.answer[:90]))
    answered_quoted = sum(1 for _, outcome, _ in rows if outcome != "refused")
    for question in ABSENT + MENTIONED + OFF_TOPIC:
        answer = local_assistant.ask(question)
        if not answer.refused or answer.citations:
            misattributed.append(f"{question} answered: {answer.answer}")
        rows.append((question, "refused" if answer.refused else "ANSWERED", answer.answer[:90]))
    print()
    for row in rows:
        print(" | ".join(row))
    print(
        f"misattributions: {len(misattributed)} of {len(rows)} questions; quoted speakers answered {answered_quoted}/{len(QUOTED)}"
    )
    assert not misattributed, misattributed
    assert answered_quoted >= len(QUOTED) - 1


def test_refusals_say_who_is_and_is_not_quoted(local_assistant):
    absent = local_assistant.ask("What did Keir Starmer say about the ceasefire?")
    assert absent.answer.startswith("The articles don't quote Keir Starmer.")
    assert "quote" in absent.answer.split(".", 1)[1] and absent.sources  # names who they do quote, lists passages
    mentioned = local_assistant.ask("What did Amnesty International say?")
    assert "They mention Amnesty International but never report what" in mentioned.answer
    off_topic = local_assistant.ask("What did Vance say about the budget?")
    assert off_topic.answer.startswith("The articles quote JD Vance only on other topics")
    assert "stalemate" in off_topic.answer


@pytest.mark.parametrize("question", list(MISSPELT))
def test_misspelt_names_are_answered_as_the_right_name(local_assistant, question):
    name, speaker = MISSPELT[question]
    answer = local_assistant.ask(question)
    assert name in answer.standalone_question and not answer.refused, answer.answer
    assert answer.citations and all(speaker in s for s in _cited_speakers(local_assistant, answer))


def test_a_name_close_to_nothing_is_refused(local_assistant):
    answer = local_assistant.ask("What did Qwxyzt say?")
    assert answer.refused and answer.standalone_question == "What did Qwxyzt say?"
