"""Wrong answers, with sitecustomize, usercustomize and a .pth that would patch the grader."""


def double(x):
    return 0


def halve(x):
    return 0
