"""The web application's settings under test (pytest-django's DJANGO_SETTINGS_MODULE, in pyproject.toml): the
application's own, with its var folder (secret key, SQLite file) in a private temporary folder.

Set `DATABASE_URL=postgresql://...` to run the web tests on PostgreSQL (pytest-django makes a test database).
"""

import atexit
import os
import shutil
import tempfile

_VAR = tempfile.mkdtemp(prefix="iectox-web-tests-")
atexit.register(shutil.rmtree, _VAR, ignore_errors=True)
# Each test process its own folder, whatever the environment says: pytest-xdist's workers inherit the
# environment of the process that started them, and a test that clears the stored study runs (or a secret
# key) must not clear another process's, nor a developer's own IECTOX_VAR.
os.environ["IECTOX_VAR"] = _VAR

from iectox.web.settings import *  # noqa: E402, F403

IECTOX_DASHBOARD_REFRESH = "inline"  # a new registry state is audited in the request (no thread in tests)
