"""make check (scripts/check.py): the build's own messages, without the chatter."""
from __future__ import annotations

import importlib.util
import sys

from sitebuild import ROOT

_spec = importlib.util.spec_from_file_location("kvmkb_check", ROOT / "scripts" / "check.py")
check = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = check
_spec.loader.exec_module(check)

OUTPUT = """\
INFO    -  [macros] - Found local Python module 'macros/main' in: /src
INFO    -  Cleaning site directory
Building prefix dict from the default dictionary ...
Loading model cost 0.869 seconds.
Prefix dict has been built successfully.
\x1b[33mWARNING -  \x1b[0mdocs/a.md: tag 'nope' is not allowed; use one of: cpu, io
ERROR   -  data/faq/storage.yml: entry 'x': unknown field 'linkz' (did you mean 'links'?)
data/faq/storage.yml: entry 'x': missing field 'links'
INFO    -  Documentation built in 3.00 seconds

Aborted with 1 warnings in strict mode!
"""


def test_only_warnings_errors_and_their_continuation_lines_are_kept():
    assert check.filter_build_output(OUTPUT.splitlines()) == [
        "WARNING -  docs/a.md: tag 'nope' is not allowed; use one of: cpu, io",
        "ERROR   -  data/faq/storage.yml: entry 'x': unknown field 'linkz' (did you mean 'links'?)",
        "data/faq/storage.yml: entry 'x': missing field 'links'",
        "Aborted with 1 warnings in strict mode!",
    ]
