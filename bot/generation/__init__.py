"""Grounded answer generation: facts from skills, words from a backend, every claim checked."""
