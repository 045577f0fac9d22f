"""Where a cold start's time goes, stage by stage, in a fresh process: `python -m evals.startup STORE`.

Run as its own process because imports are cached once a module is loaded: only a fresh interpreter shows them.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def stages(store: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        out[name] = now - mark
        mark = now

    import gradio  # noqa: F401

    from assistant.core.assistant import Assistant
    from assistant.core.prompts import ANSWER
    from assistant.delivery.ui.app import build_app
    from assistant.models.chat_models import LocalChatModel, load_llama
    from ingest.settings import Settings

    lap("imports_s")
    settings = Settings(store=store)
    assistant = Assistant(settings)
    build_app(settings, assistant, None, None)
    lap("app_built_s")
    assistant.search.embedder.embed(["warm up"])
    lap("embedder_s")
    assistant.store.lexical()
    assistant.store.speaker_index()
    lap("indexes_s")
    model = assistant.chat_model
    if isinstance(model, LocalChatModel):
        load_llama(model.model_path, model.n_ctx, model.n_threads, model.slot)
    lap("chat_model_load_s")
    model.invoke(ANSWER.format_messages(evidence="[1] Nothing.", question="Nothing?"), max_tokens=1)
    lap("prefix_eval_s")
    return out


if __name__ == "__main__":
    print(json.dumps(stages(Path(sys.argv[1]))))
