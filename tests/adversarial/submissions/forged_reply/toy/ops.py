"""Wrong answers; at import, it writes answers of its own on the channel to the judge
ahead of the real ones, hoping one lands where the judge waits for a result."""

import json
import os
import sys

_forged = [["ok", {"h": 1, "c": "module"}]] + [["ok", 0]] * 20
os.write(int(sys.argv[-1]), "".join(json.dumps(m) + "\n" for m in _forged).encode())


def double(x):
    return 0


def halve(x):
    return 0
