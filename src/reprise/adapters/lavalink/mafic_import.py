"""mafic and nextcord, imported once with the warning nextcord 3.2 raises on Python 3.12.

nextcord imports the standard library's `audioop`, deprecated since Python 3.11; the
warning says nothing about our code, so it is silenced for that import only.
"""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import mafic
    import nextcord

__all__ = ["mafic", "nextcord"]
