"""Text from the data files reaches the reader whole.

Glossary terms, FAQ answers and error-catalogue entries are written in YAML
and rendered by macros into tables, lists and tooltips. Characters such as
``#``, ``|``, ``*``, ``_``, ``<`` and ``{`` mean something to YAML, to
Markdown tables, to emphasis or to HTML, and a definition that loses its end
there fails no build: the glossary once showed "the VMRUN instruction enters
the guest and a" because an unquoted `` #VMEXIT`` started a YAML comment.

These tests take every entry, reduce its Markdown source to the words a
reader must see, and check that they appear, in order, in the built page
at the entry's anchor; and that each abbreviation tooltip carries the whole
glossary text.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from kbtest import ROOT
from macros.data import load_errors, load_faq, load_glossary

DATA_FILES = sorted([*(ROOT / "data" / "glossary").glob("*.yml"), *(ROOT / "data" / "faq").glob("*.yml"),
                     ROOT / "data" / "errors.yml"])


class _Text(HTMLParser):
    """The visible text of an HTML fragment (no scripts, styles, permalinks)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in ("script", "style") or "headerlink" in cls or self.skip:
            self.skip += 1 if tag not in ("br", "img", "input", "wbr", "hr") else 0

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def visible_text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    return re.sub(r"\s+", "", "".join(parser.out))


STRUCTURE = re.compile(r"^\s*(?:`{3,}.*|~{3,}.*|[!?]{3}\+?\s+\w+|={3}|[-*+]\s|\d+\.\s|#{1,6}\s|>\s?)")


def words(markdown: str) -> list[str]:
    """What a reader must see of a Markdown text: its words, without the syntax."""
    out = []
    for line in str(markdown).split("\n"):
        line = STRUCTURE.sub(" ", line)
        if line.lstrip().startswith("|"):  # a table row: the pipes are cell borders
            if re.fullmatch(r"[\s|:-]*", line):
                continue
            line = re.sub(r"(?<!\\)\|", " ", line)
        line = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", line)  # images
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links: their text
        line = re.sub(r"<(https?://[^>]+)>", r"\1", line)  # autolinks
        line = line.replace("`", " ")
        line = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", line)  # backslash escapes
        for token in line.split():
            token = token.strip("*_\"'()[],.;:!?")
            if token:
                out.append(token)
    return out


def missing_words(source: str, text: str) -> list[str]:
    """The words of `source` that do not appear, in order, in `text`."""
    pos, lost = 0, []
    for w in words(source):
        i = text.find(w, pos)
        if i < 0:
            lost.append(w)
        else:
            pos = i + len(w)
    return lost


def sections(page_html: str, ids: list[str]) -> dict[str, str]:
    """The visible text from each id's element to the next id's element."""
    starts = {}
    for ident in ids:
        m = re.search(rf'id="{re.escape(ident)}"', page_html)
        assert m, f"no element with id {ident!r} in the built page"
        starts[ident] = page_html.rfind("<", 0, m.start())
    order = sorted(starts, key=starts.get)
    out = {}
    for n, ident in enumerate(order):
        end = starts[order[n + 1]] if n + 1 < len(order) else len(page_html)
        out[ident] = visible_text(page_html[starts[ident]:end])
    return out


def built(site, page: str) -> str:
    return (Path(site.site) / page / "index.html").read_text(encoding="utf-8")


def term_slug(term: str) -> str:
    return "term-" + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_yaml_comment_cuts_a_value(path):
    """An unquoted value that contains " #" ends there: YAML reads the rest as a comment."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    problems = []
    stack = [yaml.compose(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack += [x for kv in node.value for x in kv]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
        elif isinstance(node, yaml.ScalarNode) and node.style is None:
            rest = lines[node.end_mark.line][node.end_mark.column:]
            if re.match(r"\s+#", rest):
                problems.append(
                    f"{path.relative_to(ROOT)}:{node.end_mark.line + 1}: the value ends at {rest.strip()[:30]!r}, "
                    "which YAML reads as a comment; put the whole value in double quotes"
                )
    assert problems == [], "\n".join(problems)


def test_glossary_entries_render_whole(site):
    glossary = load_glossary(ROOT)
    page = built(site, "reference/glossary")
    texts = sections(page, [term_slug(t["term"]) for t in glossary])
    problems = []
    for t in glossary:
        text = texts[term_slug(t["term"])]
        for field in ("term", "expansion", "zh", "definition"):
            if field == "expansion" and t["expansion"].strip().lower() == t["term"].strip().lower():
                continue  # the page shows the term once, not twice (macros/glossary.py)
            lost = missing_words(t[field], text)
            if lost:
                problems.append(f"{t['_file']}: term {t['term']!r}, {field}: the glossary page lacks {lost}")
    assert problems == [], "\n".join(problems)


def test_abbreviation_tooltips_carry_the_whole_glossary_text(site):
    expected = {}
    for t in load_glossary(ROOT):
        expected[t["term"]] = f"{t['expansion']} ({t['zh']})" if t.get("zh") else t["expansion"]
    seen, problems = set(), []
    for path in sorted(Path(site.site).rglob("*.html")):
        for title, term in re.findall(r'<abbr title="([^"]*)">(.*?)</abbr>', path.read_text(encoding="utf-8")):
            term = html.unescape(term)
            if term in expected:
                seen.add(term)
                if html.unescape(title) != expected[term]:
                    problems.append(f"{path.relative_to(site.site)}: tooltip of {term!r} is {html.unescape(title)!r}")
    assert len(seen) > 50, f"only {len(seen)} glossary terms have tooltips anywhere"
    assert problems == [], "\n".join(problems[:20])


def test_faq_answers_render_whole(site):
    problems, count = [], 0
    for cat, data in load_faq(ROOT).items():
        page = built(site, f"faq/{cat}")
        texts = sections(page, [e["id"] for e in data["entries"]])
        for e in data["entries"]:
            count += 1
            for field in ("q", "a", "since"):
                lost = missing_words(e.get(field, ""), texts[e["id"]])
                if lost:
                    problems.append(f"data/faq/{cat}.yml entry {e['id']!r}, {field}: faq/{cat}/ lacks {lost[:5]}")
    assert count > 50
    assert problems == [], "\n".join(problems)


def test_error_catalogue_entries_render_whole(site):
    errors = load_errors(ROOT)
    full = {}
    for layer in {e["layer"] for e in errors}:
        full.update(sections(built(site, f"hands-on/errors/{layer}"), [e["id"] for e in errors if e["layer"] == layer]))
    brief_page = built(site, "faq/troubleshooting")
    problems = []
    for e in errors:
        for field in ("message", "component", "meaning", "causes", "fix", "source", "emit_reason"):
            value = e.get(field, "")
            lost = missing_words("\n".join(map(str, value)) if isinstance(value, list) else str(value), full[e["id"]])
            if lost:
                problems.append(f"data/errors.yml entry {e['id']!r}, {field}: hands-on/errors/{e['layer']}/ lacks {lost[:5]}")
        m = re.search(rf'href="[^"]*#{re.escape(e["id"])}".*?</tr>', brief_page, re.S)
        assert m, f"faq/troubleshooting/ has no catalogue row linking to {e['id']}"
        row = visible_text(m.group(0))
        for field in ("message", "component"):
            lost = missing_words(e[field], row)
            if lost:
                problems.append(f"data/errors.yml entry {e['id']!r}, {field}: the faq/troubleshooting/ table lacks {lost[:5]}")
    assert problems == [], "\n".join(problems)


def test_words_keep_the_characters_that_get_lost():
    """The checker itself: syntax goes, the characters at risk stay."""
    assert words("a #VMEXIT, `KVM_RUN` and **bold** [link](x.md)") == ["a", "#VMEXIT", "KVM_RUN", "and", "bold", "link"]
    assert words("| a \\| b | c |\n|---|---|") == ["a", "|", "b", "c"]
    assert missing_words("enters the guest and a #VMEXIT returns", "entersthegUestandaMore") != []
    assert missing_words("<domain type='kvm'>", "<domaintype='kvm'>") == []
