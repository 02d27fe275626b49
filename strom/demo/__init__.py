"""Synthetic and demo data: tools that fill an installation, kept apart from the models they fill.

The top of the layers: it may import any domain app, and no app imports it. The demo writes through
the apps' services, so it takes the same write path (and audit entries) as real use; only the bulk
generator for performance and statistics work (synth.py) writes rows directly, for speed.
"""
