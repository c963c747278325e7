"""The ward and pharmacy web application (Django), and what runs it: the database it uses, its backups."""
