"""The learner's loop: `learn hint`, `watch`, `reset`, `doctor`, `list`, the progress
file, and the warm worker that makes a check quick."""
