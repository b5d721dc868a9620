"""Between interviews: progress over sessions and a study plan with spaced review (FSRS)."""
