"""The instructor's side: `learn grade` over many submissions, each graded in a
sandbox, and the results in every format a course needs."""
