"""The WSGI application that `iectox serve` gives waitress (or any WSGI server of a deployment)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iectox.web.settings")
application = get_wsgi_application()
