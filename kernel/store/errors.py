"""The store's exception root.

Everything the store layer raises on purpose is a ``StoreError``; its message names the database URL (password
masked) and what went wrong, so it can be shown to an operator as it is.
"""

from __future__ import annotations


class StoreError(Exception):
    """The database could not be opened or migrated."""
