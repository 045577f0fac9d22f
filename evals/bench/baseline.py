"""What a LangChain user would write without Byline: the baseline every benchmark figure is compared with.

RecursiveCharacterTextSplitter + HuggingFaceEmbeddings (the same packaged MiniLM) + Chroma.from_documents,
similarity_search(k), and a stuff-documents prompt to the same local chat model.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate

from ingest.embedding.embedder import bundled_model_path

STUFF = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "Use the following pieces of context to answer the question. If you don't know the answer, say so.\n\n{context}",
        ),
        ("human", "{question}"),
    ]
)


def _embeddings():
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=str(bundled_model_path()), model_kwargs={"device": "cpu"}, encode_kwargs={"normalize_embeddings": True}
    )


def _documents(corpus: Path) -> list[Document]:
    docs = []
    for line in corpus.read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            docs.append(
                Document(page_content=record["text"], metadata={"id": record.get("id", ""), "title": record.get("title", "")})
            )
    return docs


class Baseline:
    def __init__(self, folder: Path, chunk_size: int = 500, chunk_overlap: int = 50):
        self.folder = folder
        self.chunk_size, self.chunk_overlap = chunk_size, chunk_overlap
        self.embeddings = _embeddings()
        self.store: Any = None

    def _chroma_settings(self):
        from chromadb.config import Settings as ChromaSettings

        return ChromaSettings(anonymized_telemetry=False, is_persistent=True, persist_directory=str(self.folder))

    def open(self) -> Baseline:
        """Reopen a store an earlier `ingest` (maybe in another process) wrote."""
        from langchain_chroma import Chroma

        self.store = Chroma(
            persist_directory=str(self.folder), embedding_function=self.embeddings, client_settings=self._chroma_settings()
        )
        return self

    def ingest(self, corpus: Path) -> int:
        """Files to a queryable store; returns the number of chunks."""
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap)
        chunks = splitter.split_documents(_documents(corpus))
        self.store = Chroma.from_documents(
            chunks,
            self.embeddings,
            persist_directory=str(self.folder),
            client_settings=self._chroma_settings(),
        )
        return len(chunks)

    def search(self, question: str, k: int = 5) -> list[Document]:
        if self.store is None:
            raise RuntimeError("call ingest() or open() first")
        return self.store.similarity_search(question, k=k)

    def answer(self, chat_model, question: str, k: int = 4) -> dict:
        """Stuff the top-k chunks into one prompt; returns first-token and total seconds and the prompt size."""
        started = time.perf_counter()
        docs = self.search(question, k)
        first, usage, text = None, dict[str, int](), []
        for chunk in (STUFF | chat_model).stream({"context": "\n\n".join(d.page_content for d in docs), "question": question}):
            if chunk.content and first is None:
                first = time.perf_counter() - started
            text.append(str(chunk.content))
            usage = chunk.usage_metadata or usage
        return {
            "first_token_s": first,
            "total_s": time.perf_counter() - started,
            "prompt_tokens": usage.get("input_tokens", 0),
            "answer": "".join(text),
        }
