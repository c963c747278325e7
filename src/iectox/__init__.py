"""iectox: toxicity registry, grading, management audit and statistics for immune effector cell therapies."""

__version__ = "0.1.0"
