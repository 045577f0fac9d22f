"""Chat models behind LangChain's interface: the bundled local GGUF, any OpenAI-compatible server, or Ollama."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from assistant.models import prompt_state
from assistant.models.model_files import MODEL_NAME, ModelFileError, chat_model_path
from ingest.settings import Settings


class BackendError(RuntimeError):
    """The chat backend cannot be reached or loaded; the message names the setting to fix."""


_ROLES = {"human": "user", "ai": "assistant", "system": "system"}


def chat_turns(messages: list[BaseMessage]) -> list[dict]:
    """LangChain messages as OpenAI-style turns, the shape llama.cpp's chat template and remote servers take."""
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


_LOCKS: dict[str, threading.Lock] = {}
_LOADING = threading.RLock()


@lru_cache(maxsize=2)
def _load_model(path: str, n_ctx: int, n_threads: int):
    from llama_cpp import Llama

    try:
        return Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, n_batch=256, verbose=False)
    except (ValueError, RuntimeError) as err:
        raise BackendError(
            f"cannot load the chat model {path} ({err}); run `byline setup-model --verify` or fix BYLINE_CHAT_MODEL_PATH"
        ) from None


def _context_sharing_model(first):
    """A second llama.cpp context over the first one's loaded model. llama-cpp-python ties one context to each
    model it loads, and a load costs a private copy of the weights repacked for the CPU (~600 MB here), so this
    builds the context itself (llama-cpp-python 0.3.36's internals, pinned; tests cover it)."""
    import contextlib
    import ctypes

    import numpy as np
    from llama_cpp import _internals

    clone = object.__new__(type(first))  # not copy.copy: Llama's __setstate__ would load the model again
    clone.__dict__.update(first.__dict__)
    clone._owner = first  # keeps the model alive as long as this context
    clone._stack = contextlib.ExitStack()
    clone._ctx = clone._stack.enter_context(
        contextlib.closing(_internals.LlamaContext(model=first._model, params=first.context_params, verbose=False))
    )
    clone._batch = clone._stack.enter_context(
        contextlib.closing(
            _internals.LlamaBatch(n_tokens=first.n_batch, embd=0, n_seq_max=first.context_params.n_ctx, verbose=False)
        )
    )
    clone._candidates = _internals.LlamaTokenDataArray(n_vocab=first._n_vocab)
    clone.n_tokens = 0
    clone._requires_eval = True
    clone.input_ids = np.ndarray(first.input_ids.shape, dtype=np.intc)
    clone.scores = np.ndarray(first.scores.shape, dtype=np.single)
    clone._sampler = None
    clone._mirostat_mu = ctypes.c_float(10.0)
    clone.cache = None
    return clone


@lru_cache(maxsize=4)
def load_llama(path: str, n_ctx: int, n_threads: int, slot: str):
    """One llama.cpp context per prompt kind ("slot"): each keeps its own fixed prefix evaluated, so a follow-up's
    rewrite does not evict the answer prompt's cached prefix. All slots share one loaded model, so a second
    context costs its KV cache and buffers, not another copy of the weights. A state cache (LlamaRAMCache) was
    tried instead and grew past its byte limit (it does not count the saved logits)."""
    with _LOADING:  # a question arriving while the server warms up waits for that load instead of loading again
        first = _load_model(path, n_ctx, n_threads)
        llm = first if slot == "answer" else _context_sharing_model(first)
    return llm, _LOCKS.setdefault(path, threading.Lock())


class LocalChatModel(BaseChatModel):
    """llama-cpp-python with greedy decoding; one generation at a time per loaded model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_path: str
    n_ctx: int = 2048
    n_threads: int = 2
    max_tokens: int = 160
    slot: str = "answer"
    _last_usage: dict = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "byline-llama-cpp"

    def _call_args(self, stop: list[str] | None, kwargs: dict) -> dict:
        return {
            "temperature": 0.0,
            "top_k": 1,
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stop": stop or None,
        }

    def _generate(self, messages, stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(str(chunk.message.content) for chunk in self._stream(messages, stop, run_manager, **kwargs))
        message = AIMessage(content=text, usage_metadata=self._usage())
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self, messages, stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        llm, lock = load_llama(self.model_path, self.n_ctx, self.n_threads, self.slot)
        with lock:
            completion = 0
            stream = llm.create_chat_completion(chat_turns(messages), stream=True, **self._call_args(stop, kwargs))
            for part in stream:
                delta = part["choices"][0]["delta"].get("content") or ""
                if not delta:
                    continue
                completion += 1
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                if run_manager:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk
            total = int(llm.n_tokens)
        self._last_usage = {"input_tokens": max(total - completion, 0), "output_tokens": completion, "total_tokens": total}
        yield ChatGenerationChunk(message=AIMessageChunk(content="", usage_metadata=self._usage()))

    def warm_up(self, messages: list[BaseMessage], state_folder: Path | None) -> None:
        """Evaluate a prompt's fixed prefix: from the state a former process saved when there is one (see
        `prompt_state`), else by running the prompt and saving the state for the next process."""
        llm, lock = load_llama(self.model_path, self.n_ctx, self.n_threads, self.slot)
        saved = None
        if state_folder is not None:
            saved = prompt_state.state_file(state_folder, self.model_path, llm, json.dumps(chat_turns(messages)))
            with lock:
                if prompt_state.restore(llm, saved):
                    return
        self.invoke(messages, max_tokens=1)
        if saved is not None:
            with lock:
                prompt_state.keep(llm, saved)

    def _usage(self) -> dict:
        return dict(self._last_usage) or {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}


def make_chat_model(settings: Settings) -> tuple[BaseChatModel, str]:
    """The configured backend and a label for it; errors name the setting that needs fixing."""
    if settings.models.backend == "local":
        try:
            path = chat_model_path(settings)
        except ModelFileError as err:
            raise BackendError(str(err)) from None
        local = LocalChatModel(
            model_path=str(path),
            n_ctx=settings.models.n_ctx,
            n_threads=settings.models.n_threads,
            max_tokens=settings.models.max_tokens,
        )
        return local, MODEL_NAME
    if settings.models.backend == "openai":
        from langchain_openai import ChatOpenAI

        remote = ChatOpenAI(
            base_url=settings.models.openai_base_url,
            api_key=settings.models.openai_api_key,
            model=settings.models.openai_model,
            temperature=0,
            max_tokens=settings.models.max_tokens,
            timeout=settings.models.request_timeout_s,
            max_retries=1,
            stream_usage=True,
        )
        return remote, f"{settings.models.openai_model} @ {settings.models.openai_base_url}"
    from langchain_ollama import ChatOllama

    model = ChatOllama(
        base_url=settings.models.ollama_url,
        model=settings.models.ollama_model,
        temperature=0,
        num_predict=settings.models.max_tokens,
        client_kwargs={"timeout": settings.models.request_timeout_s},
    )
    return model, f"{settings.models.ollama_model} @ {settings.models.ollama_url} (ollama)"


def backend_hint(settings: Settings) -> str:
    return {
        "local": "BYLINE_CHAT_MODEL_PATH (or run `byline setup-model`)",
        "openai": "BYLINE_OPENAI_BASE_URL / BYLINE_OPENAI_MODEL / BYLINE_OPENAI_API_KEY",
        "ollama": "BYLINE_OLLAMA_URL / BYLINE_OLLAMA_MODEL",
    }[settings.models.backend]
