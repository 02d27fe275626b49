"""The hub search page."""
