"""robustir.leaderboards: the versioned suite, submission records, and the rendered board.

Light on import (no torch, scipy or pandas). The verbs live in submodules:
`suite.load_suite`, `submit.submit`, `store.load_records`, `publish.publish`.

Example:
    >>> from robustir.leaderboards.suite import load_suite
    >>> load_suite("v1").attack_labels[:2]
    ('typo.keyboard', 'typo.char')
"""
from __future__ import annotations
