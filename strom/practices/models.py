"""Practices library: proven practices, their evidence rating, review and versions."""
