"""Turns files of each supported type into Articles, or an IngestError that says what is wrong."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ingest.records import Article, IngestError, SourceFile, stable_id
from ingest.text.dates import iso_date
from ingest.text.normalize import clean_line, looks_like_headline, normalize_text

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl")


def iter_files(paths: list[Path]) -> Iterator[SourceFile]:
    """Every file to ingest, in a stable order; a missing path is reported in place of a file."""
    for path in paths:
        if not path.exists():
            yield SourceFile(path, error=IngestError(f"{path}: no such file or directory; check the path"))
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if not p.name.startswith(".")):
                if (odd := _not_a_file(child)) is not None:
                    yield SourceFile(child, error=IngestError(f"{child}: {odd}; skipped"))
                elif child.is_file() and child.suffix.lower() in SUPPORTED:
                    yield SourceFile(child)
        else:
            yield SourceFile(path)


def _not_a_file(path: Path) -> str | None:
    """Why a folder entry that is neither a file nor a folder cannot be read, said rather than skipped silently."""
    if path.is_symlink() and not path.exists():
        return "a symbolic link that leads nowhere (its target is missing, or links loop)"
    if path.is_fifo():
        return "a named pipe, not a file"
    if path.is_socket() or path.is_block_device() or path.is_char_device():
        return "a socket or device, not a file"
    return None


MAX_PDF_PAGES = 1000
PDF_SECONDS = 30.0


def read_articles(path: Path, max_bytes: int, *, name: str | None = None, max_chars: int = 10**9) -> Iterator[Article]:
    """Articles in one file; `name` replaces the path as the source (an upload's original file name).

    The file-size limit is checked here and nowhere else (uploads included)."""
    source = name or path.name
    suffix = Path(source).suffix.lower() or path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"{source}: unsupported file type '{suffix or '(none)'}'; use one of {', '.join(SUPPORTED)}")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{source}: the file is empty")
    if size > max_bytes:
        raise IngestError(
            f"{source}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit; "
            "split the file or raise BYLINE_MAX_FILE_MB"
        )
    data = path.read_bytes()
    if suffix == ".pdf":
        yield _from_pdf(data, source, max_chars)
        return
    text = _decode(data, source)
    if suffix == ".jsonl":
        yield from _from_jsonl(text, source)
    elif suffix in (".html", ".htm"):
        yield _from_html(text, source)
    else:
        yield _from_plain(text, source, Path(source).stem)


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:8192]:
        raise IngestError(f"{source}: looks like a binary file, not text; save the article as UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(f"{source}: not valid UTF-8 (byte {err.start}); re-save the file as UTF-8") from None


def _article(text: str, title: str, source: str, **extra: str | None) -> Article:
    body = normalize_text(text)
    if not any(ch.isalnum() for ch in body):
        raise IngestError(f"{source}: no article text found (only spaces, marks or invisible characters)")
    title = clean_line(title) or Path(source).stem
    article_id = extra.pop("id", None) or stable_id(Path(source).name, title)
    return Article(id=str(article_id), title=title, source=source, text=body, **extra)


def _from_plain(text: str, source: str, fallback_title: str) -> Article:
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and looks_like_headline(lines[0]):
        body_start = text.index(lines[0]) + len(lines[0])
        return _article(text[body_start:], lines[0].strip().lstrip("#"), source)
    return _article(text, fallback_title.replace("-", " ").replace("_", " "), source)


def html_article(html: str, source: str, article_id: str | None = None, url: str | None = None) -> Article:
    """An article from a page's HTML: text, headline, outlet (site name) and date by trafilatura."""
    article = _from_html(html, source, article_id, url)
    return replace(article, url=url or article.url, origin=article_id or article.origin)


def _from_html(html: str, source: str, article_id: str | None = None, url: str | None = None) -> Article:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, include_comments=False, include_tables=False, with_metadata=True)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise IngestError(f"{source}: no article text found in the HTML")
    title = getattr(doc, "title", None) or Path(source).stem
    outlet = clean_line(getattr(doc, "sitename", None) or "") or None
    return _article(
        text,
        title,
        source,
        id=article_id,
        published_at=iso_date(getattr(doc, "date", None)),
        url=getattr(doc, "url", None),
        outlet=outlet,
        author=clean_line(getattr(doc, "author", None) or "") or None,
    )


def _from_pdf(data: bytes, source: str, max_chars: int) -> Article:
    """Text page by page, bounded while it is extracted: pages, characters and time (a small PDF whose pages
    share one large content stream would otherwise take minutes and gigabytes)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = _pdf_text(reader, source, max_chars)
        title = (reader.metadata.title if reader.metadata else None) or ""
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError) as err:
        raise IngestError(f"{source}: not a readable PDF ({err}); re-export the PDF or paste its text") from None
    if not text.strip():
        raise IngestError(f"{source}: the PDF has no extractable text (a scan?); paste its text instead")
    if title:
        return _article(text, title, source)
    return _from_plain(text, source, Path(source).stem)


def _pdf_text(reader, source: str, max_chars: int) -> str:
    import time

    if len(reader.pages) > MAX_PDF_PAGES:
        raise IngestError(f"{source}: {len(reader.pages):,} pages, over the {MAX_PDF_PAGES:,} pages Byline reads; split the PDF")
    deadline, parts, size = time.monotonic() + PDF_SECONDS, [], 0
    for number, page in enumerate(reader.pages, start=1):
        parts.append(page.extract_text() or "")
        size += len(parts[-1]) + 1
        if size > max_chars:
            raise IngestError(
                f"{source}: over {max_chars:,} characters by page {number}, the limit for one article; split the PDF "
                "or raise BYLINE_MAX_ARTICLE_CHARS"
            )
        if time.monotonic() > deadline:
            raise IngestError(f"{source}: text extraction took over {PDF_SECONDS:g} s by page {number}; split the PDF")
    return "\n".join(parts)


def _from_jsonl(text: str, source: str) -> Iterator[Article]:
    """One article per line, each judged on its own: the good ones go in, every bad one is named by line."""
    errors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not str(record.get("text") or "").strip():
                raise ValueError("needs an object with a non-empty 'text' field")
            url = str(record["url"]) if record.get("url") else None
            where = url or f"{source}:{number}"
            outlet = str(record.get("outlet") or record.get("source") or "").strip()
            article = _article(
                str(record["text"]),
                str(record.get("title") or f"{Path(source).stem} #{number}"),
                where,
                id=str(record["id"]) if record.get("id") is not None else stable_id(source, str(number)),
                published_at=iso_date(record.get("published_at")),
                url=url,
                origin=url or source,
                outlet=clean_line(outlet) if outlet and "://" not in outlet else None,
            )
        except (ValueError, IngestError) as err:
            errors.append(f"line {number}: {str(err).removeprefix(f'{where}: ')}")
            continue
        yield article
    if errors:
        more = f"; and {len(errors) - 5} more" if len(errors) > 5 else ""
        raise IngestError(f"{source}: {len(errors)} bad record(s), the rest went in: " + "; ".join(errors[:5]) + more)
