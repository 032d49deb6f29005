"""Delegated administration: requests, their decisions, and the relationships they grant."""
