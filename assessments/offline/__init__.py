"""Offline use: what a phone downloads for a module, and the sync of what it did offline."""
