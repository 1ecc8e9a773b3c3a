"""The search relevance suite (data/search-relevance.yml): loading, checking
and scoring. Used by tests/test_search_suite.py (format) and
tests/browser/test_search_relevance.py (the real search)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "data" / "search-relevance.yml"
KINDS = {"keywords", "question", "error", "api", "option", "zh"}
HAN = re.compile(r"[\u3400-\u9fff]")


def site_location(target: str) -> str:
    """docs path (faq/concepts.md#x) -> search index location (faq/concepts/#x)."""
    path, _, anchor = target.partition("#")
    page = re.sub(r"(^|/)index\.md$", r"\1", path)
    page = re.sub(r"\.md$", "/", page)
    return page + (f"#{anchor}" if anchor else "")


def lang(query: str) -> str:
    return "zh" if HAN.search(query) else "en"


def load_suite(path: Path = SUITE) -> list[dict]:
    """The queries, checked; a problem raises ValueError naming the file and the fix."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    queries = (data or {}).get("queries")
    if not isinstance(queries, list) or not queries:
        raise ValueError(f"{rel}: needs a 'queries:' list")
    problems, seen = [], set()
    for i, q in enumerate(queries):
        where = f"{rel}: query {i + 1} ({q.get('q')!r})" if isinstance(q, dict) else f"{rel}: query {i + 1}"
        if not isinstance(q, dict) or not isinstance(q.get("q"), str) or not q["q"].strip():
            problems.append(f"{where}: needs 'q' (the query text)")
            continue
        if q["q"] in seen:
            problems.append(f"{where}: duplicate query")
        seen.add(q["q"])
        unknown = set(q) - {"q", "answer", "also", "kind"}
        if unknown:
            problems.append(f"{where}: unknown field(s) {sorted(unknown)}; allowed: q, answer, also, kind")
        if q.get("kind") not in KINDS:
            problems.append(f"{where}: 'kind' must be one of {sorted(KINDS)}")
        if (q.get("kind") == "zh") != (lang(q["q"]) == "zh"):
            problems.append(f"{where}: kind 'zh' is for queries with Chinese text, and they need it")
        targets = [q.get("answer")] + list(q.get("also") or [])
        for t in targets:
            if not isinstance(t, str) or not (ROOT / "docs" / t.partition("#")[0]).is_file():
                problems.append(f"{where}: answer {t!r} is not a page under docs/ (write docs path, e.g. faq/concepts.md#anchor)")
    if problems:
        raise ValueError("\n".join(problems))
    return queries


def rank(groups: list[list[str]], targets: list[str], chinese: bool = False) -> int:
    """1-based rank of the first result group that answers; 0 if none.

    A group is one page's results as Material shows them; its first item is
    the page's best-matching section. A section answer must be that first
    item; a page answer is met by any group of that page. For a Chinese
    query the same section of the Chinese edition (under zh/) answers too."""
    want = [site_location(t) for t in targets]
    if chinese:
        want += ["zh/" + w for w in want]
    for n, group in enumerate(groups, 1):
        top = group[0] if group else None
        if top is None:
            continue
        for w in want:
            if "#" in w and top == w:
                return n
            if "#" not in w and top.partition("#")[0] == w:
                return n
    return 0


def summary(ranks: list[int]) -> tuple[float, float]:
    """(share in the top 3, mean reciprocal rank)."""
    if not ranks:
        return 0.0, 0.0
    top3 = sum(1 for r in ranks if 0 < r <= 3) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    return top3, mrr
