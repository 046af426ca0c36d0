"""The course writer's tools: stubs made from the solutions, known-wrong
implementations (mutants), and the check that the tests catch every one."""
