"""The grader's own lesson 5: what nn.py and lesson 6's training.py are graded with.

Those files are graded on their own merits (grader/tests/lesson5/README.md): they are
imported with `lesson5`, `lesson5.engine` and `lesson5.nn` standing for this package, so a
mistake in the learner's engine or MLP costs lesson 5 points only. It keeps lesson 5's
contract (the docstrings of exercises/lesson5/) and nothing more.

It is the grader's, public like the tests, and not the course's solutions: under `learn
grade` it is imported where the submission runs, so the Values a graded file builds are
made there, with no request to the judge per operation, while an instructor's solutions
never reach the submission's process. The judge checks what comes back against the
tests' oracle, never against this package.
"""
