"""Interchange: the review export format, its validation and the merge on import."""
