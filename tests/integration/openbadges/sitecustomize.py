"""Lets the 1EdTech Open Badges validator (written for older Pythons) run on Python 3.11, offline.

Loaded only by the validator's own virtualenv (PYTHONPATH), never by the project.
"""

import collections
import collections.abc

for name in ("Mapping", "MutableMapping", "Iterable", "Sequence", "Callable"):
    setattr(collections, name, getattr(collections.abc, name))
