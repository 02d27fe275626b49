"""The knowledge hub's composition: one search over its apps, and country profiles."""
