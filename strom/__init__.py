"""STROM: local action against trafficking in human beings."""

__version__ = "0.1.0"
