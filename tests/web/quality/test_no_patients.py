"""A user whose centres hold no patient gets pages, never an error: the dashboard says there is nothing, the
study shows its tables with N = 0; and a study leaves out the infusions outside its period, saying so."""

from __future__ import annotations

import re

import pandas as pd
from django.urls import reverse

from iectox.web.registry.models import Infusion

from ..web_helpers import client_of


def test_a_user_without_patients_gets_empty_pages(registry):
    client = client_of("analyst", centres=("CHU-Z",))
    page = client.get(reverse("quality:dashboard")).content.decode()
    assert "No open episode." in page and "No finding." in page
    assert client.post(reverse("quality:study"), {"study": "seed"}).status_code == 302
    study = client.get(reverse("quality:study-result", kwargs={"spec": "seed"})).content.decode()
    assert re.findall(r"<span>N = (\d+)</span>", study) == ["0", "0"]


def test_infusions_after_the_studys_period_are_left_out_and_said(registry):
    infusion = Infusion.objects.get(infusion_id="INF-002")
    infusion.infusion_date = pd.Timestamp("2026-03-01").date()
    infusion.save()
    client = client_of("analyst")
    client.post(reverse("quality:study"), {"study": "seed"})
    study = client.get(reverse("quality:study-result", kwargs={"spec": "seed"})).content.decode()
    assert "1 infusion(s) of your centres outside the study&#x27;s period are left out." in study
    assert re.findall(r"<span>N = (\d+)</span>", study) == ["1", "0"]
