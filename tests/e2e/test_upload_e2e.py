"""In a real browser: a developer logs in, uploads a compliance CSV through the upload page,
sees the validation report and submits it; an official logs in and approves it in the review
queue."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.auth_helpers import login_as, logout
from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e

PROJECT = "turku-science-park-plot-01"  # developer-a's organisation (aalto-rakennus)


def compliance_csv() -> bytes:
    # unique content, so a rerun of the session's shared app is never a duplicate file
    stamp = time.strftime("%Y%m%d%H%M%S")
    return (
        "\ufeffproject;indicator;period;breakdown;value;numerator;denominator;unit;comment\r\n"
        f"{PROJECT};excavated_material_reused;2024;;65,5;655;1000;%;browser test {stamp}\r\n"
        f"{PROJECT};ghg_emissions_by_sector;2024;transport;12,5;;;t CO2e;\r\n"
    ).encode()


def open_page(page, base_url: str, path: str) -> None:
    page.goto(f"{base_url.rstrip('/')}/{path}")
    wait_for_app(page)
    page.locator(".st-key-language_selector").wait_for()
    wait_for_app(page)


def test_developer_uploads_through_the_page_and_an_official_approves_it(page, auth_app_url):
    login_as(page, auth_app_url, "developer-a@demo.dev")
    open_page(page, auth_app_url, "upload")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": "plots.csv", "mimeType": "text/csv", "buffer": compliance_csv()}]
    )
    page.get_by_text("2 rows are valid and ready to submit").wait_for()
    wait_for_app(page)
    screenshot(page, "upload-report")
    page.locator(".st-key-upload_submit button").click()
    stored = page.get_by_text(re.compile(r"Stored as submission \d+"))
    stored.wait_for()
    submission = int(re.search(r"submission (\d+)", stored.inner_text()).group(1))
    screenshot(page, "upload-submitted")
    logout(page)

    login_as(page, auth_app_url, "official@demo.city")
    open_page(page, auth_app_url, f"submissions?submission={submission}")
    page.locator(f".st-key-review_comment_{submission} textarea").fill("checked in the browser")
    page.locator(f".st-key-review_comment_{submission} textarea").press("Tab")
    wait_for_app(page)
    page.locator(".st-key-review_approve button").click()
    page.get_by_text(f"Submission {submission} approved").wait_for()
    wait_for_app(page)
    screenshot(page, "upload-approved")
    detail = page.locator(".st-key-submission_detail")
    assert "approved" in detail.inner_text()
