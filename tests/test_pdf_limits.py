"""A small PDF whose pages all share one large content stream: bounded while it is extracted, not after."""

from __future__ import annotations

import io
import re
import time

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from ingest.pipeline import ingest_paths
from ingest.store.store import Store


def shared_stream_pdf(pages: int, lines: int) -> bytes:
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 72 712 Td " + b"(The harbour reopened on Tuesday.) Tj 0 -14 Td " * lines + b"ET")
    content = writer._add_object(stream)
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = content
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_of_shared_pages_stops_at_the_character_limit(settings, fake_embedder, tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(shared_stream_pdf(900, 5000))  # 381 KB; 900 pages of 165,000 characters each
    started = time.monotonic()
    report = ingest_paths([bomb], settings, show_progress=False)
    assert time.monotonic() - started < 60  # unbounded: about 9 min and a growing heap
    (failure,) = report.failed
    assert re.search(r"(over 1,000,000 characters|took over 30 s) by page \d+\b.*split the PDF", failure.error), failure.error
    assert Store(settings).count() == 0


def test_a_pdf_with_too_many_pages_is_refused_before_extraction(settings, fake_embedder, tmp_path):
    many = tmp_path / "many.pdf"
    many.write_bytes(shared_stream_pdf(1500, 1))
    (failure,) = ingest_paths([many], settings, show_progress=False).failed
    assert "1,500 pages, over the 1,000 pages" in failure.error
