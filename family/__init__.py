"""Relatives of applicants and their relocation to safety (FAMILY compartment)."""
