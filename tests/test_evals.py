"""The evaluation harness: inputs, metrics checked against known values, resumable runs, reports, gates."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from evals.datasets import DEFAULT_SPLIT, SPLITS, DatasetError, benchmark_paths, load_dataset, parse_dataset
from evals.metrics import answer_presence, bootstrap_ci, exact_match, retrieval_scores, token_f1, yes_no_first
from evals.summary import build_summary, check_floors, compare

from conftest import byline


def test_retrieval_metrics_match_hand_computed_values():
    scores = retrieval_scores({"q1": ["a", "b", "c"], "q2": ["x", "y", "g1", "z", "w", "g2"]}, {"q1": {"a"}, "q2": {"g1", "g2"}})
    assert scores["q1"]["mrr@10"] == 1.0 and scores["q1"]["hit@5"] == 1.0
    assert scores["q2"]["mrr@10"] == pytest.approx(1 / 3)
    assert scores["q2"]["recall@5"] == 0.5 and scores["q2"]["recall@10"] == 1.0
    ideal = 1 + 1 / 1.5849625
    assert scores["q2"]["ndcg@10"] == pytest.approx((1 / 2 + 1 / 2.807355) / ideal, rel=1e-4)


def test_squad_style_answer_metrics():
    assert exact_match("The Bayeux Tapestry [1].", ["Bayeux Tapestry"]) == 1.0
    assert token_f1("the Norman conquest of England", ["Norman conquest"]) == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert answer_presence("They met in Istanbul last week [2].", ["Istanbul"]) == 1.0
    assert answer_presence("They met in Ankara.", ["Istanbul"]) == 0.0
    assert yes_no_first("Yes. The Verge reported it [1].", ["yes"]) == 1.0
    assert yes_no_first("No, the Age did not [2].", ["Yes"]) == 0.0
    assert yes_no_first("The reports agree, yes [1].", ["yes"]) == 0.0
    assert yes_no_first("Google [1].", ["Google"]) is None


def test_bootstrap_interval_brackets_the_mean():
    low, high = bootstrap_ci([0, 1, 1, 0, 1, 1, 1, 0, 1, 1])
    assert low < 0.7 < high and low >= 0 and high <= 1


def test_inputs_jsonl_csv_and_plain_lists(tmp_path):
    csv_file = tmp_path / "q.csv"
    csv_file.write_text(
        "question,answers,answerable\nWhat did Vance say?,stalemate|economic benefits,true\nWho is Merkel?,,false\n"
    )
    items = load_dataset(csv_file)
    assert items[0].answers == ["stalemate", "economic benefits"] and items[1].answerable is False
    plain = parse_dataset("What did Vance say?\nWhat did Macron propose?\n", "list.txt")
    assert [i.question for i in plain] == ["What did Vance say?", "What did Macron propose?"]
    turns = parse_dataset(json.dumps({"id": "c", "turns": [{"question": "A?"}, {"question": "B?", "answers": ["b"]}]}), "t.jsonl")
    assert turns[0].question == "B?" and len(turns[0].turns) == 2


@pytest.mark.parametrize(
    "name,text,message",
    [
        ("bad.jsonl", '{"question": "A?"}\n{broken\n', "line 2"),
        ("bad.csv", "prompt,answer\nA?,a\n", "'question' column"),
        ("empty.txt", "\n\n", "empty"),
        ("dupes.jsonl", '{"id": "1", "question": "A?"}\n{"id": "1", "question": "B?"}\n', "repeat"),
    ],
)
def test_bad_question_sets_are_specific_errors(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(DatasetError, match=message):
        load_dataset(path)


def test_benchmark_files_load_with_splits():
    from conftest import SHARED

    dev = load_dataset(SHARED / "benchmarks" / "multihop-rag-500" / "questions.jsonl", "dev")
    assert len(dev) == 250 and any(i.answerable is False for i in dev)
    squad = load_dataset(SHARED / "benchmarks" / "squad8" / "questions.jsonl")
    assert len(squad) == 320 and squad[0].gold_doc_ids
    corpus, questions = benchmark_paths("squad-train", SHARED)
    train, tuning = load_dataset(questions, "train"), load_dataset(questions, "dev")
    assert (len(train), len(tuning)) == (1500, 500) and corpus.exists()
    assert sum(i.answerable is False for i in tuning) == 250
    assert DEFAULT_SPLIT["squad-train"] == "dev" and "train" in SPLITS


@pytest.fixture
def scripted(sample_settings):
    from assistant.core.assistant import Assistant

    answers = ["Vance said there is a stalemate in the situation [1]."] * 2 + [
        "Emmanuel Macron proposed a 30-day ceasefire [1]."
    ] * 2
    return Assistant(sample_settings, chat_model=FakeListChatModel(responses=answers), model_name="scripted")


def test_run_is_resumable_and_scores_gold(scripted, tmp_path):
    from evals.runner import run

    items = parse_dataset(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "v", "question": "What did Vance say?", "answers": ["stalemate"], "gold_support": ["stalemate"]},
                {"id": "m", "question": "What did Merkel say?", "answerable": False},
            ]
        ),
        "set.jsonl",
    )
    out = tmp_path / "results.jsonl"
    rows = run(scripted, items[:1], out)
    assert rows[0]["scores"]["answer_presence"] == 1.0 and rows[0]["scores"]["hit@5"] == 1.0
    assert rows[0]["scores"]["gold_citation_precision"] == 1.0 and rows[0]["pass"]
    rows = run(scripted, items, out)  # the first item is not asked again
    assert [r["id"] for r in rows] == ["v", "m"] and len(out.read_text().splitlines()) == 2
    assert rows[1]["scores"]["correct_refusal"] == 1.0


def test_report_is_self_contained_and_escapes_markup(tmp_path):
    from evals.report import write_report

    rows = [
        {
            "id": "x",
            "type": "t",
            "question": "<script>alert(1)</script>?",
            "answer": "<img src=x onerror=alert(1)>",
            "citations": [{"marker": 1, "title": "<b>t</b>", "quote": "q"}],
            "scores": {"f1": 0.5, "total_s": 1.0},
            "gold": {"answers": ["a"]},
            "pass": False,
        }
    ]
    summary = build_summary(rows)
    path = tmp_path / "report.html"
    write_report(path, "t", summary, rows)
    html = path.read_text()
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<img src=x" not in html
    assert "data:image/png;base64," in html and "http://" not in html and "https://" not in html


def test_compare_and_floors():
    old = [
        {"id": "a", "question": "A", "scores": {"f1": 0.2}, "pass": False},
        {"id": "b", "question": "B", "scores": {"f1": 1.0}, "pass": True},
    ]
    new = [
        {"id": "a", "question": "A", "scores": {"f1": 0.8}, "pass": True},
        {"id": "b", "question": "B", "scores": {"f1": 1.0}, "pass": True},
    ]
    result = compare(old, new)
    assert result["deltas"]["f1"]["delta"] == pytest.approx(0.3) and result["flipped"][0]["id"] == "a"
    summary = build_summary(new)
    assert check_floors(summary, {"f1": 0.5}) == []
    assert check_floors(summary, {"f1": 0.95})[0].startswith("f1 = 0.900 is below")
    assert "not measured" in check_floors(summary, {"exact_match": 0.1})[0]


def test_a_question_is_searched_once_and_scored_on_the_answers_ranking(scripted, monkeypatch):
    from assistant.core.retrieval import HybridSearch
    from evals.runner import run_item

    calls: list[str] = []
    rank = HybridSearch.rank
    monkeypatch.setattr(HybridSearch, "rank", lambda self, query, *a, **k: calls.append(query) or rank(self, query, *a, **k))
    (item,) = parse_dataset(
        json.dumps(
            {
                "id": "a",
                "question": "Who designated Amnesty International an undesirable organization?",
                "gold_support": ["Amnesty"],
            }
        ),
        "set.jsonl",
    )
    row = run_item(scripted, item, set())
    assert len(calls) == 1, calls
    assert row["retrieved"] and row["scores"]["hit@5"] == 1.0
    speaker = parse_dataset(json.dumps({"id": "v", "question": "What did Vance say?", "gold_support": ["stalemate"]}), "s.jsonl")
    calls.clear()
    assert run_item(scripted, speaker[0], set())["scores"]["hit@5"] == 1.0  # the speaker path has no ranking: searched to score
    assert len(calls) == 1


def test_refusal_curve_and_the_chosen_floor():
    from evals.refusal_curve import choose_floor, refusal_curve

    rows = [
        {"refused": False, "answer_check": 0.9, "gold": {"answerable": True}},
        {"refused": False, "answer_check": 0.4, "gold": {"answerable": True}},
        {"refused": True, "answer_check": None, "gold": {"answerable": True}},
        {"refused": False, "answer_check": 0.3, "gold": {"answerable": False}},
        {"refused": True, "answer_check": None, "gold": {"answerable": False}},
    ]
    points = {p.floor: p for p in refusal_curve(rows)}
    assert (points[0.0].correct_refusal, points[0.0].false_refusal) == (0.5, pytest.approx(1 / 3))
    assert (points[0.35].correct_refusal, points[0.35].false_refusal) == (1.0, pytest.approx(1 / 3))
    assert (points[0.5].correct_refusal, points[0.5].false_refusal) == (1.0, pytest.approx(2 / 3))
    assert choose_floor(list(points.values()), 0.4).floor == 0.4
    assert choose_floor(list(points.values()), 0.1).floor == 0.0


def test_a_floor_turns_low_checked_answers_into_refusals():
    from evals.refusal_curve import at_floor

    rows = [
        {
            "refused": False,
            "answer_check": 0.4,
            "citations": [1],
            "scores": {"answer_presence": 1.0, "false_refusal": 0.0, "gold_citation_precision": 1.0},
        },
        {"refused": False, "answer_check": 0.9, "citations": [1], "scores": {"answer_presence": 1.0, "false_refusal": 0.0}},
    ]
    low, high = at_floor(rows, 0.5)
    assert low["refused"] and low["scores"] == {"answer_presence": 0.0, "false_refusal": 1.0} and high is rows[1]
    assert at_floor(rows, 0.0) == rows


def _yes_no_row(gold: str, written: str, p: float, prior: float) -> dict:
    return {
        "gold": {"answers": [gold]},
        "raw_answer": f"{written}, because [1].",
        "yes_no_probability": p,
        "yes_no_prior": prior,
    }


def test_the_yes_no_sweep_finds_the_floor_that_separates_and_reports_before_and_after(tmp_path):
    from evals.yes_no_sweep import accuracy_at, choose_floor, written_accuracy, yes_no_rows

    # the model leans to Yes whatever the evidence; what the evidence adds to its log-odds tells the answers apart
    rows = [_yes_no_row("yes", "Yes", 0.9, 0.5) for _ in range(6)] + [_yes_no_row("no", "Yes", 0.6, 0.7) for _ in range(6)]
    rows += [{"gold": {"answers": ["Paris"]}, "yes_no_probability": 0.5, "yes_no_prior": 0.5}, {"gold": {"answers": ["no"]}}]
    parsed = yes_no_rows(rows)
    assert len(parsed) == 12 and written_accuracy(parsed).mean == 0.5
    floor = choose_floor(parsed)
    assert accuracy_at(parsed, floor).mean == 1.0 and -0.43 < floor < 2.2
    results = tmp_path / "dev.jsonl"
    results.write_text("\n".join(json.dumps(r) for r in rows))
    out = byline("sweep-yes-no", str(results), "--at", "0")
    assert out.returncode == 0 and "BYLINE_YES_NO_PRIOR_WEIGHT=1.00 BYLINE_YES_NO_FLOOR=" in out.stdout and "before" in out.stdout


def test_the_compound_sweep_reads_the_weakest_part_and_keeps_plain_questions_apart(tmp_path):
    from evals.yes_no_sweep import accuracy_at, choose_floor, yes_no_rows

    def compound(gold: str, first: float, second: float) -> dict:
        parts = [{"probability": first, "prior": 0.5}, {"probability": second, "prior": 0.5}]
        return {**_yes_no_row(gold, "Yes", min(first, second), 0.5), "yes_no_parts": parts}

    # every question has one strong part; only the weaker part tells Yes from No
    rows = [compound("yes", 0.9, 0.7) for _ in range(5)] + [compound("no", 0.2, 0.9) for _ in range(5)]
    rows.append(_yes_no_row("no", "No", 0.99, 0.5))
    parsed = yes_no_rows(rows, compound=True)
    assert len(parsed) == 10 and len(yes_no_rows(rows)) == 1
    assert accuracy_at(parsed, choose_floor(parsed, 0.0), 0.0).mean == 1.0
    results = tmp_path / "dev.jsonl"
    results.write_text("\n".join(json.dumps(r) for r in rows))
    out = byline("sweep-yes-no", str(results), "--compound")
    assert out.returncode == 0 and "BYLINE_COMPOUND_YES_NO_FLOOR=" in out.stdout and "over 10 questions" in out.stdout


def test_a_run_that_did_not_read_the_leaning_is_swept_at_weight_zero_only():
    from evals.yes_no_sweep import choose, weights, yes_no_rows

    def compound(gold: str, p: float) -> dict:
        return {**_yes_no_row(gold, "No", p, 0.5), "yes_no_parts": [{"probability": p, "prior": None}]}

    rows = yes_no_rows([compound("yes", 0.8), compound("no", 0.3), compound("yes", 0.7)], compound=True)
    assert weights(rows) == (0.0,) and choose(rows)[0] == 0.0


def test_eval_selects_questions_by_id_and_compound_parts():
    import argparse

    from evals.cli import register, selected_items
    from evals.datasets import Item

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    items = [
        Item("a1", "Did A win the cup final, and did B lose the league title?", ["Yes"]),
        Item("a2", "Did A win the cup final on Sunday?", ["No"]),
        Item("a3", "Who won the cup final?", ["A"]),
    ]
    chosen = selected_items(items, parser.parse_args(["eval", "--ids", "a2, a3"]))
    assert [i.id for i in chosen] == ["a2", "a3"]
    compound = selected_items(items, parser.parse_args(["eval", "--only-yes-no", "--only-compound"]))
    assert [i.id for i in compound] == ["a1"]
