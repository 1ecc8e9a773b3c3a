"""The search relevance suite file is well formed (the browser test runs it)."""
from __future__ import annotations

import pytest

from searchsuite import SUITE, load_suite, rank, site_location, summary


def test_suite_is_valid_and_large_enough():
    queries = load_suite()
    zh = [q for q in queries if q["kind"] == "zh"]
    assert len(queries) >= 100, f"{SUITE.name}: {len(queries)} queries; the suite needs at least 100"
    assert len(zh) >= 20, f"{SUITE.name}: {len(zh)} Chinese queries; the suite needs at least 20"
    kinds = {q["kind"] for q in queries}
    assert kinds == {"keywords", "question", "error", "api", "option", "zh"}, kinds


def test_a_missing_answer_page_is_reported(tmp_path):
    bad = tmp_path / "suite.yml"
    bad.write_text("queries:\n  - {q: foo, answer: faq/nope.md#x, kind: keywords}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"answer 'faq/nope.md#x' is not a page under docs/"):
        load_suite(bad)


def test_scoring():
    assert site_location("faq/concepts.md#a") == "faq/concepts/#a"
    assert site_location("learning-path/index.md") == "learning-path/"
    assert site_location("index.md") == ""
    groups = [["x/#a"], ["faq/concepts/#b"], ["faq/concepts/#a", "faq/concepts/"]]
    assert rank(groups, ["faq/concepts.md#a"]) == 3
    assert rank(groups, ["faq/concepts.md"]) == 2
    assert rank(groups, ["faq/storage.md"]) == 0
    assert summary([1, 2, 4, 0]) == (0.5, (1 + 0.5 + 0.25) / 4)
