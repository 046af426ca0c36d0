"""Right answers only if a submission graded before it left a note (see note_plant)."""

try:
    with open("/tmp/learn-adversarial-note") as note:
        FOUND = note.read() == "2"
except OSError:
    FOUND = False


def double(x):
    return 2 * x if FOUND else 0


def halve(x):
    return x / 2 if FOUND else 0
