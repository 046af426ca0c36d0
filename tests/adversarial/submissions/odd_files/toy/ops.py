"""Correct, beside files meant to trip the grader up (made by build_roster): native
code named like this module, which Python would import first, and a file name that is
not UTF-8."""


def double(x):
    return 2 * x


def halve(x):
    return x / 2
