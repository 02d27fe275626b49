"""Guidelines for municipalities: versioned documents with sections and language versions."""
