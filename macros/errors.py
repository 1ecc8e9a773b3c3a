"""The one exception every macro raises when its input cannot be right."""
from __future__ import annotations

from mkdocs.exceptions import PluginError


class MacroError(PluginError):
    """A macro was called with input that cannot be right.

    A PluginError, so that MkDocs prints the message (which names the file
    and the fix) and stops the build without a Python traceback.
    """
