"""`byline chat` in the terminal: the streamed draft is not printed a second time when the checks kept it."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.core.assistant import Assistant
from assistant.delivery.cli import _chat_turn


def _turn(sample_settings, capsys, reply: str) -> tuple[str, str]:
    assistant = Assistant(sample_settings, chat_model=FakeListChatModel(responses=[reply]), model_name="scripted")
    answer = _chat_turn(assistant.stream("What did Macron propose?"))
    return capsys.readouterr().out, answer.answer


def test_a_kept_answer_is_printed_once_with_its_sources(sample_settings, capsys):
    reply = "Macron proposed an unconditional 30-day ceasefire backed by both Ukraine and Europe [1]."
    out, answer = _turn(sample_settings, capsys, reply)
    assert answer == reply
    assert out.count("30-day ceasefire backed by both Ukraine and Europe [1].") == 1
    assert "Sources:" in out and "Checked answer:" not in out


def test_a_changed_answer_follows_the_draft_under_its_own_label(sample_settings, capsys):
    reply = (
        "Macron proposed an unconditional 30-day ceasefire backed by both Ukraine and Europe [1]. "
        "Macron also announced a new tax on bicycles [1]."
    )
    out, answer = _turn(sample_settings, capsys, reply)
    assert "bicycles" not in answer
    draft, checked = out.split("Checked answer:")
    assert "bicycles" in draft and "bicycles" not in checked.split("Sources:")[0]
    assert "30-day ceasefire" in checked and "Sources:" in checked
