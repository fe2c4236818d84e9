"""Screening: normalise → detect → policy → verdict. Pure and fast; no platform or network."""
