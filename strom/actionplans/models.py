"""Recommendations and the action plans whose measures answer them."""
