"""Security as the issue asks: CSRF on every form (a forged token is refused, nothing saved), login throttled,
Argon2 hashes, sessions that expire, security headers, and `check --deploy` clean under IECTOX_PRODUCTION=1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from iectox.web.accounts.making import make_user
from iectox.web.registry.models import Patient

from .web_helpers import user_of

NEW = {"patient_id": "P-060", "sex": "female", "centre": "CHU-A"}


def test_a_forged_csrf_token_is_refused_and_nothing_saved(registry):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_of("data_manager"))
    client.get(reverse("registry:patients-create"))  # the page sets the real token's cookie
    response = client.post(reverse("registry:patients-create"), {**NEW, "csrfmiddlewaretoken": "forged" * 8})
    assert response.status_code == 403
    assert "This form was refused: it did not come from this site&#x27;s page" in response.content.decode()
    assert not Patient.objects.filter(patient_id="P-060").exists()


def test_the_real_csrf_token_is_accepted(registry):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_of("data_manager"))
    client.get(reverse("registry:patients-create"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("registry:patients-create"), {**NEW, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Patient.objects.filter(patient_id="P-060").exists()


def test_passwords_are_hashed_with_argon2(db):
    user, password = make_user("argon", "analyst", ["CHU-A"])
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(password) and len(password) >= 16


def test_login_is_throttled_after_repeated_failures(db):
    make_user("nurse", "clinician", ["CHU-A"])
    client = Client()
    login = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "nurse", "password": "wrong password"})
    response = client.post(login, {"username": "nurse", "password": "wrong password"})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()


def test_a_good_password_signs_in_and_a_wrong_one_says_so(db):
    _, password = make_user("pharma", "pharmacist", ["CHU-A"], "fr")
    client = Client()
    wrong = client.post(
        reverse("accounts:login"), {"username": "pharma", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Nom d&#x27;utilisateur ou mot de passe incorrect." in wrong.content.decode()
    right = client.post(reverse("accounts:login"), {"username": "pharma", "password": password})
    assert right.status_code == 302 and right["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_sessions_expire_and_cookies_are_private():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_every_page_carries_the_security_headers(registry):
    client = Client()
    client.force_login(user_of("analyst"))
    response = client.get(reverse("registry:patients-list"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in Client().get(reverse("accounts:login"))["Content-Security-Policy"]


def test_check_deploy_is_clean_in_production(tmp_path: Path):
    env = {
        **os.environ,
        "IECTOX_PRODUCTION": "1",
        "IECTOX_VAR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "iectox.web.settings",
    }
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "iectox.web", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout
    key = tmp_path / "secret_key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_text()) >= 50


def test_without_production_check_deploy_names_what_is_missing(tmp_path: Path):
    env = {**os.environ, "IECTOX_VAR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "iectox.web.settings"}
    env.pop("IECTOX_PRODUCTION", None)
    run = subprocess.run(
        [sys.executable, "-m", "iectox.web", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "SECURE_SSL_REDIRECT" in run.stderr + run.stdout
