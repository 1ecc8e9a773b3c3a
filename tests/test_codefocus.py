"""hooks/codefocus.py: code blocks are served focusable; Mermaid blocks are left as they are."""
from hooks.codefocus import focusable_code


def test_code_blocks_get_tabindex():
    html = '<div class="highlight"><pre><span></span><code>x</code></pre></div>'
    assert '<code tabindex="0">x</code>' in focusable_code(html)


def test_mermaid_and_already_focusable_blocks_are_untouched():
    mermaid = '<pre class="mermaid"><code>graph LR</code></pre>'
    assert focusable_code(mermaid) == mermaid
    done = '<pre><code tabindex="-1">x</code></pre>'
    assert focusable_code(done) == done
