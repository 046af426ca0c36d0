"""The course's grader: the `learn` command, its pytest plugin and the lesson tests."""
