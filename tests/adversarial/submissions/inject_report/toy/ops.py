"""Errors whose messages carry control characters and markup, to make the class's
junit.xml ill-formed, and a line the review quotes in the summary that is HTML."""

NASTY = "\x00\x1b[2J\x07 <b>bold</b> ]]> &amp;"
MARKUP = "<script>alert('graded'); eval(document.cookie)</script> [a](javascript:x) | `x`"


def double(x):
    raise ValueError(NASTY)


def halve(x):
    raise ValueError(NASTY + MARKUP)
