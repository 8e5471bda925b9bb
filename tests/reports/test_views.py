import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import AuditEntry
from reports.disclosure import SMALL

pytestmark = pytest.mark.django_db

PAGE = "/berichte/"
DOWNLOADS = ["/berichte/bericht.csv", "/berichte/bericht.xlsx", "/berichte/bericht.pdf"]
YEAR = {"start": "2026-01-01", "end": "2026-12-31"}


@pytest.fixture
def as_manager(client, district):
    client.force_login(district.manager)
    return client


def test_the_page_shows_the_figures_charts_and_tables(as_manager, district):
    response = as_manager.get(PAGE, {"lab": district.lab.slug, **YEAR})

    page = response.content.decode()
    assert response.status_code == 200
    assert "1. Januar 2026 bis 31. Dezember 2026" in page
    assert page.count('role="img"') >= 2
    assert "Auslastung pro Monat" in page
    assert "district-map--shaded" in page
    assert "Nach DigComp-Bereich" in page
    assert SMALL.replace("<", "&lt;") in page


def test_the_lab_select_offers_the_managers_labs_only(as_manager, district):
    page = as_manager.get(PAGE).content.decode()

    assert f'value="{district.lab.slug}"' in page
    assert f'value="{district.other_lab.slug}"' not in page
    assert "Alle meine Labore" in page


def test_an_admin_sees_the_district(client, district):
    client.force_login(district.admin)

    page = client.get(PAGE, YEAR).content.decode()

    assert "Landkreis (alle Labore)" in page
    assert f'value="{district.other_lab.slug}"' in page


def test_end_before_start_shows_the_error_summary(as_manager):
    response = as_manager.get(PAGE, {"start": "2026-12-31", "end": "2026-01-01"})

    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "liegt vor seinem Anfang" in page
    assert 'href="#id_end"' in page


@pytest.mark.parametrize("url", [PAGE, *DOWNLOADS])
def test_anonymous_is_sent_to_the_login(client, district, url):
    response = client.get(url, YEAR)

    assert response.status_code == 302
    assert "/konto/" in response["Location"]


@pytest.mark.parametrize("url", [PAGE, *DOWNLOADS])
@pytest.mark.parametrize("who", ["trainer", "participant"])
def test_trainers_and_participants_are_forbidden(client, district, url, who):
    client.force_login(getattr(district, who))

    assert client.get(url, YEAR).status_code == 403


@pytest.mark.parametrize("url", [PAGE, *DOWNLOADS])
def test_a_manager_asking_for_another_lab_is_forbidden(as_manager, district, url):
    assert as_manager.get(url, {"lab": district.other_lab.slug, **YEAR}).status_code == 403


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_download_with_bad_dates_is_the_form_with_its_message(as_manager, url):
    response = as_manager.get(url, {"start": "2010-01-01", "end": "2026-01-01"})

    assert response.status_code == 400
    assert "höchstens 10 Jahre" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_EXPORTED).exists()


def test_csv_hides_small_counts(as_manager, district):
    response = as_manager.get(DOWNLOADS[0], {"lab": district.lab.slug, **YEAR})

    text = response.content.decode("utf-8-sig")
    assert (
        'filename="bericht-regionallabor-hameln-2026-01-01-bis-2026-12-31.csv"'
        in response["Content-Disposition"]
    )
    bad_pyrmont = next(
        line for line in text.splitlines() if line.startswith("Nach Wohnort (Gemeinde);Bad Pyrmont")
    )
    assert bad_pyrmont.split(";")[2] == SMALL
    total = next(line for line in text.splitlines() if line.startswith("Gesamt;"))
    assert total.split(";")[2:4] == ["10", "8"]


def test_xlsx_has_a_sheet_per_breakdown_and_hides_small_counts(as_manager, district):
    response = as_manager.get(DOWNLOADS[1], {"lab": district.lab.slug, **YEAR})

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Gesamt",
        "Nach Labor",
        "Nach Wohnort (Gemeinde)",
        "Nach Zielgruppe",
        "Nach DigComp-Bereich",
        "Nach Kursform",
        "Nach Altersgruppe",
        "Auslastung",
    ]
    sheet = workbook["Nach Wohnort (Gemeinde)"]
    assert sheet["A4"].font.bold
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["Hameln"][1] == 8
    assert rows["Bad Pyrmont"][1] == SMALL
    assert workbook["Gesamt"]["A5"].value == 10
    assert sheet.column_dimensions["A"].width > 10


def test_pdf_names_the_lab_and_period_and_hides_small_counts(as_manager, district):
    response = as_manager.get(DOWNLOADS[2], {"lab": district.lab.slug, **YEAR})

    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Regionallabor Hameln" in text
    assert "1. Januar 2026 bis 31. Dezember 2026" in text
    assert SMALL in text
    assert "damit niemand erkennbar wird" in text


@pytest.mark.parametrize(("url", "file_format"), list(zip(DOWNLOADS, ["csv", "xlsx", "pdf"], strict=True)))
def test_every_download_writes_an_audit_entry(as_manager, district, url, file_format):
    as_manager.get(url, {"lab": district.lab.slug, **YEAR})

    entry = AuditEntry.objects.get(action=AuditEntry.Action.REPORT_EXPORTED)
    assert entry.actor == district.manager
    assert entry.lab_id == district.lab.pk
    assert "01.01.2026 bis 31.12.2026" in entry.summary
    assert file_format.upper() in entry.summary
