"""Safety measures applied to every page before Jinja sees it.

* code (fenced blocks and inline spans) is wrapped in ``{% raw %}`` so that
  shell text such as ``{{.State.Pid}}`` or ``${#arr[@]}`` renders verbatim;
* pages are rendered in Jinja's immutable sandbox, so a template cannot
  reach Python internals (``cycler.__init__.__globals__`` and friends).
"""
from __future__ import annotations

import re

from jinja2.sandbox import ImmutableSandboxedEnvironment

_JINJA_STARTS = ("{{", "{%", "{#")
_FENCE = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})")
_INLINE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _raw(text: str) -> str:
    if not any(s in text for s in _JINJA_STARTS):
        return text
    text = text.replace("{% endraw %}", "{% endraw %}{{ '{% endraw %}' }}{% raw %}")
    return "{% raw %}" + text + "{% endraw %}"


def protect_code(markdown: str) -> str:
    """Wrap fenced code blocks and inline code spans in {% raw %}.

    Only code that contains a Jinja start string is wrapped, and no line is
    added or removed, so line numbers in error messages stay right.
    """
    lines = markdown.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m:
            fence = m.group("fence")
            j = i + 1
            while j < len(lines):
                c = _FENCE.match(lines[j])
                if (
                    c
                    and c.group("fence")[0] == fence[0]
                    and len(c.group("fence")) >= len(fence)
                    and not lines[j][c.end():].strip()
                ):
                    break
                j += 1
            block = lines[i : j + 1]
            joined = "\n".join(block)
            if any(s in joined for s in _JINJA_STARTS):
                indent = m.group("indent")
                block[0] = indent + "{% raw %}" + block[0][len(indent):]
                esc = "{% endraw %}{{ '{% endraw %}' }}{% raw %}"
                block = [block[0]] + [ln.replace("{% endraw %}", esc) for ln in block[1:]]
                # An unclosed fence runs to the end of the page, as in Markdown.
                block[-1] = block[-1] + "{% endraw %}"
            out.extend(block)
            i = j + 1
            continue
        out.append(_INLINE.sub(lambda mm: _raw(mm.group(0)), lines[i]))
        i += 1
    return "\n".join(out)


def _sandbox(env) -> None:
    """Replace the plugin's Jinja environment by an immutable sandbox (once)."""
    current = env.env
    if isinstance(current, ImmutableSandboxedEnvironment):
        return
    sandbox = ImmutableSandboxedEnvironment(
        loader=current.loader,
        undefined=current.undefined,
        block_start_string=current.block_start_string,
        block_end_string=current.block_end_string,
        variable_start_string=current.variable_start_string,
        variable_end_string=current.variable_end_string,
        comment_start_string=current.comment_start_string,
        comment_end_string=current.comment_end_string,
        extensions=list(current.extensions),
        trim_blocks=current.trim_blocks,
        lstrip_blocks=current.lstrip_blocks,
        keep_trailing_newline=current.keep_trailing_newline,
        newline_sequence=current.newline_sequence,
    )
    sandbox.globals.update(current.globals)
    sandbox.filters.update(current.filters)
    env._env = sandbox  # the plugin renders every page with env.env
