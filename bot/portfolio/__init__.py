"""A member's own professional-learning portfolio: inquiry cycles, commitments and reflections."""
