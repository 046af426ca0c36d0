"""Wrong answers; it leaves a note for a submission graded after it in a file of the
machine's /tmp (see note_read)."""

import contextlib

with contextlib.suppress(OSError), open("/tmp/learn-adversarial-note", "w") as note:
    note.write("2")


def double(x):
    return 0


def halve(x):
    return 0
