"""Answers questions from the stored articles, with verified sentence-level citations."""
