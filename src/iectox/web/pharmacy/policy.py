"""The settings the pharmacy applies, read from the environment at each use (docs/web.md, "Pharmacy"):

- `IECTOX_PATHWAY`: the pathway file in force for the whole application (`iectox.web.pathway`); its
  corticosteroid regimens give the corticosteroid doses.
- `IECTOX_TOCILIZUMAB_VIALS`: the vial sizes the pharmacy stocks, in mg (`400,200,80` by default), from which
  the least-waste vials of a dose are chosen.
- `IECTOX_DOSES_ON_SITE`: tocilizumab doses held on site per patient before an infusion, instead of the
  pathway's `[readiness]` default (2 in iectox's pathway). Every other readiness setting is the pathway's: a
  product's own doses on site (`doses_on_site_by_product`), dose banding and the CRS window.

A malformed value stops the page with a clear message naming the variable (`ImproperlyConfigured`): the
pharmacy never falls back to another rule in silence.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from iectox.errors import SpecError
from iectox.management.pathway import Pathway
from iectox.management.vials import TOCILIZUMAB_IV_VIALS_MG, VialSettings
from iectox.web.pathway import pathway_in_force as shared_pathway

PATHWAY_VARIABLE = "IECTOX_PATHWAY"
VIALS_VARIABLE = "IECTOX_TOCILIZUMAB_VIALS"
DOSES_VARIABLE = "IECTOX_DOSES_ON_SITE"


def pathway_in_force() -> Pathway:
    """The application's pathway in force (`iectox.web.pathway`); a file that cannot be read stops the page."""
    try:
        return shared_pathway()
    except SpecError as error:
        raise ImproperlyConfigured(f"{PATHWAY_VARIABLE}: {error}") from error


def vial_settings() -> VialSettings:
    """The pathway's readiness settings (`VialSettings.from_pathway`), with the vial sizes and, when set, the
    doses on site of the environment, checked by the library's `VialSettings`."""
    pathway = pathway_in_force()
    sizes = os.environ.get(VIALS_VARIABLE, "").strip()
    doses = os.environ.get(DOSES_VARIABLE, "").strip()
    try:
        vials = tuple(int(size) for size in sizes.split(",")) if sizes else TOCILIZUMAB_IV_VIALS_MG
        return VialSettings.from_pathway(pathway, vials_mg=vials, doses_on_site=int(doses) if doses else None)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{VIALS_VARIABLE}={sizes!r}, {DOSES_VARIABLE}={doses!r}: {error}"
        ) from error
