"""Finding the same person across scripts and spellings, merging, and bulk import of persons."""
