"""The audit's words in the user's language: the audit calls `tr` from here, which is `iectox.i18n.tr`.

The French lives in the one gettext catalog (`iectox/locale/fr/LC_MESSAGES/iectox.po`) with the report's;
`tests/test_management_outputs.py` checks that every sentence the audit can print has a translation.
"""

from __future__ import annotations

from iectox.i18n import tr

__all__ = ["tr"]
