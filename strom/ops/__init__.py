"""Backup and restore, upgrade checks and the metrics endpoint."""
