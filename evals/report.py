"""One self-contained HTML report: tables, plots as inline PNGs, every question with its evidence.

Everything from a dataset or a model is escaped, so an article or answer containing markup renders as text.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from evals.plots import plot_png
from evals.refusal_curve import curve_plot
from evals.refusal_plots import refusal_model_section
from evals.summary import COST, QUALITY

_CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}th{background:#f3f3f3}
.fail{background:#fff1f0}.pass{background:#f3fff1}.muted{color:#777;font-size:12px}blockquote{margin:2px 0 2px 1em;color:#444}
img{max-width:100%}"""


def metric_bars(summary: dict) -> str:
    names = [m for m in QUALITY if m in summary["metrics"]]
    if not names:
        return ""

    def draw(ax):
        means = [summary["metrics"][m]["mean"] for m in names]
        lows = [summary["metrics"][m]["mean"] - summary["metrics"][m]["low"] for m in names]
        highs = [summary["metrics"][m]["high"] - summary["metrics"][m]["mean"] for m in names]
        ax.bar(range(len(names)), means, yerr=[lows, highs], capsize=3, color="#4a7ebb")
        ax.set_xticks(range(len(names)), names, rotation=40, ha="right", fontsize=8)
        ax.set_ylim(0, 1.05)
        ax.set_title("Metrics (mean, bootstrap 95% CI)")

    return plot_png(draw)


def latencyplot_png(rows: list[dict]) -> str:
    series = {m: [r["scores"][m] for r in rows if m in r.get("scores", {})] for m in ("retrieve_s", "first_token_s", "total_s")}
    series = {k: v for k, v in series.items() if v}
    if not series:
        return ""

    def draw(ax):
        ax.boxplot(list(series.values()), tick_labels=list(series.keys()))
        ax.set_ylabel("seconds")
        ax.set_title("Latency per stage")

    return plot_png(draw)


def _metric_table(metrics: dict) -> str:
    rows = "".join(
        f"<tr><td>{escape(m)}</td><td>{v['mean']:.3f}</td><td>[{v['low']:.3f}, {v['high']:.3f}]</td><td>{v['n']}</td></tr>"
        for m, v in metrics.items()
        if m in QUALITY
    )
    return f"<table><tr><th>metric</th><th>mean</th><th>95% CI</th><th>n</th></tr>{rows}</table>"


def _type_table(by_type: dict) -> str:
    cols = [m for m in QUALITY if any(m in v for v in by_type.values())]
    head = "".join(f"<th>{escape(c)}</th>" for c in ["type", "questions", *cols])
    body = ""
    for t, metrics in by_type.items():
        cells = "".join(f"<td>{metrics[c]['mean']:.2f}</td>" if c in metrics else "<td></td>" for c in cols)
        body += f"<tr><td>{escape(t)}</td><td>{metrics['questions']['n']}</td>{cells}</tr>"
    return f"<table><tr>{head}</tr>{body}</table>"


def _question_rows(rows: list[dict]) -> str:
    out = []
    for r in sorted(rows, key=lambda r: (bool(r.get("pass")), r["id"])):
        cites = "".join(
            f"<div>[{c['marker']}] {escape(c['title'])}<blockquote>{escape(c['quote'])}</blockquote></div>"
            for c in r.get("citations", [])
        )
        gold = r.get("gold", {})
        gold_text = escape(
            "; ".join(str(a) for a in gold.get("answers") or []) or ("(unanswerable)" if gold.get("answerable") is False else "")
        )
        if gold.get("gold_support"):
            gold_text += "<div class=muted>support: " + escape(" | ".join(gold["gold_support"])) + "</div>"
        turns = "".join(f"<div class=muted>{escape(t)}</div>" for t in r.get("turns", [])[:-1])
        standalone = r.get("standalone_question")
        rewritten = f"<div class=muted>→ {escape(standalone)}</div>" if standalone and standalone != r["question"] else ""
        scores = ", ".join(f"{k}={v:.2f}" for k, v in sorted(r.get("scores", {}).items()) if k not in COST)
        verdict = "pass" if r.get("pass") else "fail"
        out.append(
            f"<tr class={verdict}><td>{escape(r['id'])}<div class=muted>{escape(r.get('type', ''))}</div></td>"
            f"<td>{turns}{escape(r['question'])}{rewritten}</td><td>{escape(r.get('answer') or r.get('error') or '')}</td>"
            f"<td>{cites}</td><td>{gold_text}</td>"
            f"<td>{verdict}<div class=muted>{escape(scores)}</div></td></tr>"
        )
    return (
        "<table><tr><th>id</th><th>question</th><th>answer</th><th>citations</th><th>gold</th><th>result</th></tr>"
        + "".join(out)
        + "</table>"
    )


def _check_section(rows: list[dict], summary: dict) -> str:
    plot = curve_plot(rows, summary.get("answer_check_floor", 0.0))
    section = f"<h2>Refusals against the answer check's floor</h2>{plot}" if plot else ""
    return section + refusal_model_section(rows)


def write_report(path: Path, title: str, summary: dict, rows: list[dict], comparison: dict | None = None) -> None:
    latency = "".join(
        f"<tr><td>{escape(m)}</td><td>{v['p50']:.3f}</td><td>{v['p95']:.3f}</td><td>{v['n']}</td></tr>"
        for m, v in summary["latency"].items()
        if v
    )
    notes = "".join(f"<li><b>{escape(k)}</b>: {escape(v)}</li>" for k, v in summary["notes"].items())
    compare_html = ""
    if comparison:
        deltas = "".join(
            f"<tr><td>{escape(m)}</td><td>{d['delta']:+.3f}</td><td>[{d['low']:+.3f}, {d['high']:+.3f}]</td>"
            f"<td>{'yes' if d['significant'] else 'no'}</td></tr>"
            for m, d in comparison["deltas"].items()
        )
        flips = "".join(
            f"<li>{escape(f['id'])}: {'pass→fail' if f['was'] else 'fail→pass'} — {escape(f['question'])}</li>"
            for f in comparison["flipped"]
        )
        compare_html = (
            f"<h2>Compared with the previous run</h2><table><tr><th>metric</th><th>delta</th><th>95% CI</th>"
            f"<th>significant</th></tr>{deltas}</table><ul>{flips}</ul>"
        )
    html = f"""<!doctype html><html><head><meta charset="utf-8"><title>{escape(title)}</title><style>{_CSS}</style></head>
<body><h1>{escape(title)}</h1>
<p>{summary["questions"]} questions, {summary["passed"]} passed, {summary["errors"]} errors. Model: {escape(summary["model"] or "")}</p>
<h2>Summary</h2>{_metric_table(summary["metrics"])}{metric_bars(summary)}
<h2>By type</h2>{_type_table(summary["by_type"])}
{_check_section(rows, summary)}
<h2>Latency</h2><table><tr><th>stage</th><th>p50</th><th>p95</th><th>n</th></tr>{latency}</table>{latencyplot_png(rows)}
{compare_html}
<h2>What the metrics measure</h2><ul>{notes}</ul>
<h2>Questions (failures first)</h2>{_question_rows(rows)}
</body></html>"""
    path.write_text(html, encoding="utf-8")
