"""The targets scripts/benchmark.py judges a run by (make bench itself takes 40 minutes)."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("benchmark", ROOT / "scripts" / "benchmark.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _lighthouse(mobile: dict[str, tuple[int, int]]) -> dict:
    """Lighthouse results for pages given as {label: (ours, default)} mobile performance."""
    lh: dict = {"ours": {}, "default": {}}
    for label, scores in mobile.items():
        for name, perf in zip(("ours", "default"), scores):
            cats = {c: 100 for c in bench.CATEGORIES}
            lh[name][label] = {"mobile": {"scores": {**cats, "performance": perf}},
                               "desktop": {"scores": dict(cats)}}
    return lh


def _weights(rels):
    w = {"total": 100, "without_diagrams": 50}
    d = {"total": 300, "without_diagrams": 200}
    return {"ours": {r: w for r in rels}, "default": {r: d for r in rels}}


def _targets(mobile: dict[str, tuple[int, int]]) -> dict[str, tuple[bool, str]]:
    rels = ["" if label == "home" else label + "/" for label in mobile]
    reload = {"ours": {"page": {"median": 0.7}, "data": {"median": 0.6}}}
    got = bench.evaluate_targets(reload, rels, _weights(rels), _lighthouse(mobile))
    return {t: (ok, detail) for t, ok, detail in got}


NOT_BEHIND = "mobile performance >= the default build's on every measured page (same run)"
AT_LEAST_95 = "mobile performance >= 95 on every measured page"


def test_a_page_behind_the_default_fails_the_run_and_is_named():
    t = _targets({"home": (99, 97), "hands-on/windows-guests": (96, 98)})
    ok, detail = t[NOT_BEHIND]
    assert not ok
    assert detail == "hands-on/windows-guests 96 against 98"
    assert t[AT_LEAST_95][0], "96 is above 95: only the comparison fails"


def test_ties_and_leads_pass():
    t = _targets({"home": (97, 97), "hands-on/errors/libvirt": (96, 88)})
    assert t[NOT_BEHIND] == (True, "none behind")
    assert t[AT_LEAST_95][0]


def test_below_95_fails_even_when_ahead_of_the_default():
    t = _targets({"home": (94, 90)})
    assert not t[AT_LEAST_95][0]
    assert t[NOT_BEHIND][0]


def test_mobile_runs_default_to_five_and_desktop_to_three():
    args = bench.parse_args([])
    assert (args.mobile_runs, args.runs) == (5, 3)
