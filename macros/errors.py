"""The one exception every macro raises when its input cannot be right."""
from __future__ import annotations


class MacroError(Exception):
    """A macro was called with input that cannot be right."""
