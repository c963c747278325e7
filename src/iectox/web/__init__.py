"""The ward and pharmacy web application (Django): a shared, audited registry on top of the library.

It sits between the command line (`iectox serve`) and the render layer: it imports the library, which never
imports it. Every rule it applies (validation, grading, dosing, pathway, statistics, reports) is the
library's; the web layer stores records, checks who may do what, and shows results. Map: docs/web.md.
"""
