"""The search index holds the lessons' text, section by section, and no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitekit import lesson_url, lessons


@pytest.fixture(scope="module")
def index(built_site: Path) -> list[dict]:
    return json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))["docs"]


def entries(index: list[dict], lesson: dict) -> list[dict]:
    url = lesson_url(lesson)
    return [doc for doc in index if doc["location"].startswith(url)]


@pytest.mark.parametrize("lesson", lessons(), ids=lambda lesson: lesson["id"])
def test_each_lesson_section_is_indexed_with_its_text(index, lesson):
    docs = entries(index, lesson)
    sections = {doc["location"].partition("#")[2]: doc for doc in docs}
    assert "exercises" in sections, f"{lesson['id']}: no Exercises section in the index"
    with_text = [name for name, doc in sections.items() if name and doc["text"].strip()]
    assert len(with_text) >= 2, f"{lesson['id']}: sections indexed without their text"


def test_no_traceback_is_indexed(index):
    leaks = [
        doc["location"]
        for doc in index
        if "Traceback (most recent call last)" in doc["text"] or "---->" in doc["text"]
    ]
    assert not leaks, f"tracebacks in the search index: {leaks}"


def test_lesson_one_is_found_by_its_words(index):
    docs = entries(index, lessons()[0])
    text = " ".join(doc["title"] + " " + doc["text"] for doc in docs)
    for word in ("argmax", "sigmoid", "bias", "universal approximation"):
        assert word in text, f"{word!r} is not in lesson 1's search entries"
    # Only the traceback of the intended error says "OverflowError" on that page.
    assert "OverflowError" not in text
    assert "In [" not in text and "Copied!" not in text


def test_search_previews_show_prose_not_code(index):
    """A result's preview is the start of its section's text: code cells stay out."""
    lesson_docs = [doc for lesson in lessons() for doc in entries(index, lesson)]
    code = [doc["location"] for doc in lesson_docs if "plt.show()" in doc["text"]]
    assert not code, f"code cells in the search index: {code}"
