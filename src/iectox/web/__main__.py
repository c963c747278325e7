"""`python -m iectox.web ARGS`: the management commands of the web application (as `manage.py ARGS`)."""

from iectox.web.admin import main

main()
