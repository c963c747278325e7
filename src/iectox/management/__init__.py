"""Tocilizumab for CRS: the label dose (one place), vials and stock planning."""

from iectox.management.audit import Audit as Audit
from iectox.management.dosing import tocilizumab_dose_mg as tocilizumab_dose_mg
from iectox.management.pathway import Pathway as Pathway
from iectox.management.pathway import default_pathway as default_pathway
from iectox.management.pathway import load_pathway as load_pathway
from iectox.management.vials import VialCombination as VialCombination
from iectox.management.vials import VialPlan as VialPlan
from iectox.management.vials import VialSettings as VialSettings
from iectox.management.vials import check_plan as check_plan
from iectox.management.vials import choose_vials as choose_vials
from iectox.management.vials import plan_vials as plan_vials
