"""What several hooks need to find their way in a page's HTML (not a hook itself)."""

from __future__ import annotations

import re

_DIV = re.compile(r"<(/?)div\b[^>]*>")


def div_end(content: str, start: int) -> int:
    """The index just after the </div> that closes the <div> opening at `start`."""
    depth = 0
    for tag in _DIV.finditer(content, start):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return tag.end()
    return len(content)
