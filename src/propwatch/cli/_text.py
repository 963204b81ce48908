"""Untrusted text made safe for a terminal."""

from __future__ import annotations

import unicodedata


def terminal_safe(text: str) -> str:
    """``text`` without control characters (an imported claim cannot move the cursor or
    recolour the terminal); line breaks and tabs become spaces."""
    return "".join(" " if ch in "\n\r\t" else ch for ch in text
                   if ch in "\n\r\t" or unicodedata.category(ch)[0] != "C")
