"""Answers that are spans: for a who/when/where/how-many question the model chooses a span of the evidence (read
from its next-token probabilities over the candidates' tokens) and the code writes the reply around it."""
