"""Country profile pages."""
