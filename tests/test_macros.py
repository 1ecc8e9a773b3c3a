"""Unit tests of the macros package (macros/) and the policy hook."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from hooks import policy
from macros import data, glossary, protect, sources
from macros.errors import MacroError
from macros.render import relative_link


def render(markdown: str, **variables) -> str:
    """Render like the site does: protect code, then a strict sandbox."""
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, comment_start_string="{##", comment_end_string="##}",
        keep_trailing_newline=True,
    )
    return env.from_string(protect.protect_code(markdown)).render(**variables)


# -- shell text survives ------------------------------------------------------

SHELL_SAMPLES = [
    "docker inspect --format '{{.State.Pid}}' web",
    'echo "${#arr[@]} items"',
    "{% raw %} and {% endraw %} in a shell comment",
    "{{ cycler.__init__.__globals__ }}",
    "awk '{print $1}' | sed -e 's/{#/x/'",
]


@pytest.mark.parametrize("code", SHELL_SAMPLES)
def test_fenced_code_renders_verbatim(code):
    page = f"Text before.\n\n```sh\n{code}\n```\n\nText after.\n"
    assert render(page) == page


@pytest.mark.parametrize("code", SHELL_SAMPLES)
def test_inline_code_renders_verbatim(code):
    page = f"Run `{code}` and see.\n"
    assert render(page) == page


def test_code_in_admonition_and_tilde_fence():
    page = textwrap.dedent(
        """\
        !!! note
            ~~~~bash
            for i in ${!arr[@]}; do echo {{i}}; done
            ~~~~
        """
    )
    assert render(page) == page


def test_unclosed_fence_still_protected():
    page = "```\n{{ not jinja }}\n"
    assert render(page) == page


def test_line_count_is_unchanged():
    page = "a\n```\n{{x}}\n```\n`{{y}}`\n"
    assert protect.protect_code(page).count("\n") == page.count("\n")


def test_prose_macros_still_render():
    assert render("Linux {{ v }} and `{{ v }}`", v="6.18") == "Linux 6.18 and `{{ v }}`"


def test_hash_brace_in_prose_is_kept():
    # {# is not a Jinja comment on this site: nothing a contributor wrote vanishes.
    assert render("Array length is ${#arr[@]} in bash.") == "Array length is ${#arr[@]} in bash."


# -- the sandbox ----------------------------------------------------------------

@pytest.mark.parametrize(
    "payload",
    [
        "{{ cycler.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ joiner.__init__.__globals__.os }}",
        "{{ lipsum.__globals__ }}",
        "{{ (x|attr('__class__')) }}",
        "{{ x['__class__'] }}",
    ],
)
def test_template_injection_is_refused(payload):
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    env.globals.update({"cycler": object(), "joiner": object(), "lipsum": object()})
    with pytest.raises((SecurityError, Exception)) as exc:
        env.from_string(payload).render(x="s")
    assert "unsafe" in str(exc.value) or "undefined" in str(exc.value) or "has no attribute" in str(exc.value)


def test_sandbox_replaces_plugin_environment():
    from jinja2 import Environment

    class FakePlugin:
        def __init__(self):
            self._env = Environment(
                undefined=StrictUndefined, comment_start_string="{##", comment_end_string="##}"
            )
            self._env.globals["f"] = lambda: "ok"

        @property
        def env(self):
            return self._env

    plugin = FakePlugin()
    protect._sandbox(plugin)
    assert isinstance(plugin.env, ImmutableSandboxedEnvironment)
    assert plugin.env.comment_start_string == "{##"
    assert plugin.env.from_string("{{ f() }}").render() == "ok"
    with pytest.raises(SecurityError):
        plugin.env.from_string("{{ f.__globals__ }}").render()


# -- source links -----------------------------------------------------------------

VERSIONS = {"linux": "6.18", "qemu": "10.1.0", "libvirt": "11.10.0"}
ALLOWED = {"linux": {"virt/kvm/kvm_main.c", "arch/x86/kvm/"}, "qemu": {"accel/kvm/kvm-all.c"}, "libvirt": set()}


def test_source_link_uses_pinned_version():
    link = sources.source_link("linux", "virt/kvm/kvm_main.c", None, VERSIONS, ALLOWED)
    assert link == (
        "[`virt/kvm/kvm_main.c`](https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/"
        "tree/virt/kvm/kvm_main.c?h=v6.18)"
    )
    qlink = sources.source_link("qemu", "accel/kvm/kvm-all.c", "kvm-all.c", VERSIONS, ALLOWED)
    assert qlink == "[kvm-all.c](https://gitlab.com/qemu-project/qemu/-/blob/v10.1.0/accel/kvm/kvm-all.c)"


def test_source_link_directory():
    assert "/tree/arch/x86/kvm/?h=v6.18" in sources.source_link("linux", "arch/x86/kvm/", None, VERSIONS, ALLOWED)


@pytest.mark.parametrize("path", ["../etc/passwd", "/etc/passwd", "", "virt/../../x"])
def test_source_link_rejects_paths_outside_tree(path):
    with pytest.raises(MacroError, match="must be a path inside"):
        sources.source_link("linux", path, None, VERSIONS, ALLOWED)


def test_source_link_unlisted_path_says_how_to_fix():
    with pytest.raises(MacroError, match=r"not listed in data/source-files.*tag v6\.18"):
        sources.source_link("linux", "virt/kvm/made_up.c", None, VERSIONS, ALLOWED)


def test_relative_link():
    assert relative_link("faq/concepts.md", "architecture/run-loop.md") == "../architecture/run-loop.md"
    assert relative_link("index.md", "faq/index.md") == "faq/index.md"
    assert relative_link("faq/index.md", "faq/storage.md") == "storage.md"


# -- data files -----------------------------------------------------------------


def write(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text))


def test_glossary_duplicate_term_fails(tmp_path):
    entry = "- term: KVM\n  expansion: x\n  zh: y\n  definition: z\n"
    write(tmp_path, "data/glossary/a.yml", entry)
    write(tmp_path, "data/glossary/b.yml", entry.replace("KVM", "kvm"))
    with pytest.raises(MacroError, match="already defined in data/glossary/a.yml"):
        data.load_glossary(tmp_path)


def test_glossary_missing_field_fails(tmp_path):
    write(tmp_path, "data/glossary/a.yml", "- term: KVM\n  expansion: x\n  definition: z\n")
    with pytest.raises(MacroError, match="lacks zh"):
        data.load_glossary(tmp_path)


def test_faq_entry_needs_link_and_unique_id(tmp_path):
    write(
        tmp_path,
        "data/faq/concepts.yml",
        """\
        title: Concepts
        description: D.
        entries:
          - id: a
            q: Q?
            a: A.
        """,
    )
    with pytest.raises(MacroError, match="at least one link"):
        data.load_faq(tmp_path)
    write(
        tmp_path,
        "data/faq/concepts.yml",
        """\
        title: Concepts
        description: D.
        entries:
          - {id: a, q: "Q?", a: A., links: [x.md]}
          - {id: a, q: "Q2?", a: A., links: [x.md]}
        """,
    )
    with pytest.raises(MacroError, match="already used"):
        data.load_faq(tmp_path)


def test_faq_unknown_category_fails(tmp_path):
    write(tmp_path, "data/faq/misc.yml", "title: T\ndescription: D.\nentries: []\n")
    with pytest.raises(MacroError, match="unknown FAQ category"):
        data.load_faq(tmp_path)


def test_versions_must_be_quoted_release_numbers(tmp_path):
    write(tmp_path, "data/versions.yml", "linux: 6.10\nqemu: '10.1.0'\nlibvirt: '11.10.0'\n")
    with pytest.raises(MacroError, match="'linux' must be a release number"):
        data.load_versions(tmp_path)


def test_abbreviations_include_chinese():
    out = glossary.abbreviations([{"term": "EPT", "expansion": "Extended Page Tables", "zh": "扩展页表"}])
    assert out == "*[EPT]: Extended Page Tables (扩展页表)"


# -- policy hook -------------------------------------------------------------------

GOOD_META = {"title": "T", "description": "One sentence.", "type": "explanation", "tags": ["cpu"]}


@pytest.fixture(autouse=True)
def allowed_tags(monkeypatch):
    monkeypatch.setattr(policy, "_allowed_tags", {"cpu", "memory"})


def test_policy_accepts_good_page():
    assert policy.check_page("architecture/x.md", GOOD_META, "Text.\n\n## Sources\n\n- a\n", "Text.") == []


@pytest.mark.parametrize(
    "meta_change, expected",
    [
        ({"description": None}, "missing 'description'"),
        ({"description": "Two sentences. Here."}, "exactly one sentence"),
        ({"type": "essay"}, "type 'essay' is not one of"),
        ({"tags": ["nope"]}, "tag 'nope' is not allowed"),
        ({"tags": "cpu"}, "'tags' must be a list"),
        ({"title": ""}, "missing 'title'"),
    ],
)
def test_policy_front_matter(meta_change, expected):
    meta = {**GOOD_META, **meta_change}
    problems = policy.check_page("architecture/x.md", meta, "## Sources\n", "x")
    assert any(expected in p and "docs/architecture/x.md" in p for p in problems), problems


def test_policy_placeholder_in_prose_but_not_in_code():
    problems = policy.check_page("a/x.md", GOOD_META, "## Sources\n", "We will TODO this.")
    assert any("placeholder text 'TODO'" in p for p in problems)
    assert policy.check_page("a/x.md", GOOD_META, "## Sources\n", "```\n# TODO in code\n```\n`TBD`") == []


def test_policy_sources_required_except_index():
    assert any("no '## Sources'" in p for p in policy.check_page("a/x.md", GOOD_META, "text", "text"))
    assert policy.check_page("a/index.md", GOOD_META, "text", "text") == []


def test_policy_hand_written_source_link():
    body = "See [x](https://elixir.bootlin.com/linux/v6.1/source/virt/kvm/kvm_main.c).\n## Sources\n"
    problems = policy.check_page("a/x.md", GOOD_META, body, body)
    assert any("use linux_src" in p for p in problems)


# -- first-use tooltips -------------------------------------------------------------


def test_tooltip_only_on_first_use():
    from hooks.abbreviations import first_use_only

    html = ('<p><abbr title="Kernel-based Virtual Machine">KVM</abbr> and <abbr title="virtual CPU">vCPU</abbr>, '
            'then <abbr title="Kernel-based Virtual Machine">KVM</abbr> again.</p>')
    assert first_use_only(html) == (
        '<p><abbr title="Kernel-based Virtual Machine">KVM</abbr> and <abbr title="virtual CPU">vCPU</abbr>, '
        "then KVM again.</p>"
    )
