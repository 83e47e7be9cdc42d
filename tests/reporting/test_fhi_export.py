"""The FHI evaluation export: only research-consented clients, pseudonymised, re-authenticated,
logged, streamed."""

import csv
import datetime
import io

import openpyxl
import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.exports.safety import pseudonym
from reporting.fhi.dataset import (
    EPISODE_COLUMNS,
    EVENT_COLUMNS,
    Pseudonymiser,
    age_band,
    episode_rows,
    event_rows,
    intensity,
)
from reporting.fhi.files import csv_lines, xlsx_file
from reporting.models import ExportKind, ExportLog
from tests.accounts.factories import PASSWORD
from tests.accounts.flows import current_code
from tests.referrals.factories import ConsentFactory
from tests.reporting.export_data import at, build_year
from tests.treatment.factories import EpisodeFactory, SessionFactory

URL = "/rapporter/fhi/"
KEY = "et-langt-hemmelig-nokkelord-2025"
OTHER_KEY = "en-helt-annen-nokkel-for-fhi-2026"


def reauthenticate(http, user) -> None:
    """Through allauth's own pages, as the team lead would: password, then the code."""
    step = http.get(URL)
    assert step["Location"] == f"/accounts/reauthenticate/?next={URL.replace('/', '%2F')}"
    step = http.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": URL})
    assert step["Location"] == URL
    step = http.get(URL)
    assert step["Location"].startswith("/accounts/2fa/reauthenticate/")
    step = http.post("/accounts/2fa/reauthenticate/", {"code": current_code(user), "next": URL})
    assert step["Location"] == URL


@pytest.fixture
def year(personas):
    return build_year(personas)


@pytest.fixture
def lead(personas, login):
    http = login(personas.team_lead)
    reauthenticate(http, personas.team_lead)
    return http


def export(http, table: str, file_format: str = "csv", **fields) -> list[dict[str, object]]:
    response = http.post(URL, {"table": table, "file_format": file_format, **fields})
    assert response.status_code == 200, response.content[:500]
    if file_format == "csv":
        text = b"".join(response.streaming_content).decode()
        return list(csv.DictReader(io.StringIO(text)))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_a_fresh_session_is_sent_to_confirm_the_password_then_the_code(personas, login):
    http = login(personas.team_lead)

    first = http.get(URL)
    http.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": URL})
    second = http.get(URL)
    http.post("/accounts/2fa/reauthenticate/", {"code": current_code(personas.team_lead)})
    third = http.get(URL)

    assert first.status_code == second.status_code == 302
    assert first["Location"].startswith("/accounts/reauthenticate/")
    assert second["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert third.status_code == 200
    assert "Eksport til FHI-evaluering" in third.content.decode()


def test_an_export_sent_without_reauthentication_is_not_made_nor_logged(personas, login, year):
    response = login(personas.team_lead).post(URL, {"table": "episodes", "file_format": "csv"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ExportLog.objects.exists()


def test_a_user_without_a_second_factor_confirms_the_password_only(personas, login, settings):
    settings.MFA_REQUIRED = False  # development only; in production everyone has one
    Authenticator.objects.filter(user=personas.admin).delete()
    http = login(personas.admin)

    http.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": URL})

    assert http.get(URL).status_code == 200


def test_the_reauthentication_lasts_five_minutes(personas, lead, time_machine):
    time_machine.move_to(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=6))

    assert lead.get(URL).status_code == 302


def test_only_clients_who_consented_to_research_are_exported(year, lead):
    episodes = export(lead, "episodes", key=KEY)
    events = export(lead, "events", key=KEY)

    names = {pseudonym(KEY.encode(), "client", c.pk): n for n, c in year.clients.items()}
    assert sorted(names[row["client"]] for row in episodes) == ["A", "C", "E"]
    assert {names[row["client"]] for row in events} == {"A", "C", "E"}


def test_the_row_counts_are_exact_and_logged(personas, year, lead):
    episodes = export(lead, "episodes", key=KEY)
    events = export(lead, "events", key=KEY, shift_dates="on")
    sheet = export(lead, "events", "xlsx")

    # A: 2 sessions + 4 responses; C: 1 course meeting; E: 2 sessions. B's are withdrawn.
    assert len(episodes) == 3
    assert len(events) == len(sheet) == 9
    kinds = [row["event"] for row in events]
    assert kinds.count("session") == 4 and kinds.count("course_meeting") == 1
    assert kinds.count("phq9") == kinds.count("gad7") == 2
    log = list(ExportLog.objects.order_by("pk"))
    assert [(e.kind, e.file_format, e.row_count, e.user) for e in log] == [
        (ExportKind.FHI_EPISODES, "csv", 3, personas.team_lead),
        (ExportKind.FHI_EVENTS, "csv", 9, personas.team_lead),
        (ExportKind.FHI_EVENTS, "xlsx", 9, personas.team_lead),
    ]
    assert log[1].parameters == {"table": "events", "key": "entered", "dates_shifted": True}
    assert log[2].parameters == {"table": "events", "key": "app", "dates_shifted": False}
    assert all(KEY not in str(entry.parameters) for entry in log)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_no_name_national_number_contact_detail_or_free_text_is_in_any_file(
    year, lead, file_format
):
    texts = []
    for table in ("episodes", "events"):
        response = lead.post(URL, {"table": table, "file_format": file_format})
        body = b"".join(response.streaming_content)
        if file_format == "csv":
            texts.append(body.decode())
        else:
            book = openpyxl.load_workbook(io.BytesIO(body))
            texts += [str(cell) for row in book.active.iter_rows(values_only=True) for cell in row]
    everything = "\n".join(texts)

    assert len(year.secrets) > 30
    leaked = [secret for secret in year.secrets if secret in everything]
    assert leaked == []
    assert "1990-06-15" not in everything  # birth dates never, ages in bands


def test_the_same_client_has_the_same_pseudonym_in_both_files_and_every_export(year, lead):
    first = export(lead, "episodes", key=KEY)
    again = export(lead, "episodes", key=KEY)
    events = export(lead, "events", key=KEY)
    other = export(lead, "episodes", key=OTHER_KEY)
    app = export(lead, "episodes")

    clients = [row["client"] for row in first]
    assert clients == [row["client"] for row in again]
    assert set(clients) == {row["client"] for row in events}
    assert set(clients).isdisjoint(row["client"] for row in other)
    assert set(clients).isdisjoint(row["client"] for row in app)
    assert {row["episode"] for row in first} == {row["episode"] for row in events if row["episode"]}


def test_an_episode_row_carries_the_fhi_fields_as_codes(year, lead):
    rows = export(lead, "episodes", key=KEY)
    a = next(
        r for r in rows if r["client"] == pseudonym(KEY.encode(), "client", year.clients["A"].pk)
    )

    assert list(rows[0]) == [column.name for column in EPISODE_COLUMNS]
    assert a["age_band"] == "30_39"  # born 15.06.1990, 34 at the contact in January 2025
    assert (a["sex"], a["education"], a["immigrant_background"]) == ("female", "higher_short", "no")
    assert (a["referral_source"], a["contact_channel"]) == ("self", "phone")
    assert (a["work_status_start"], a["work_percentage_start"], a["sick_leave_start"]) == (
        "in_work",
        "80",
        "no",
    )
    assert (a["work_status_end"], a["sick_leave_end"]) == ("in_work", "no")
    assert (a["contact_date"], a["assessment_date"]) == ("2025-01-10", "2025-01-15")
    assert (a["treatment_start_date"], a["end_date"]) == ("2025-02-01", "2025-06-01")
    assert (a["decision"], a["steps"], a["intensity"]) == ("in_target_group", "3", "high")
    assert (a["treatment_sessions"], a["individual_sessions_attended"]) == ("2", "2")
    assert (a["phq9_first"], a["gad7_first"], a["phq9_last"], a["gad7_last"]) == (
        "18",
        "12",
        "6",
        "5",
    )
    assert (a["finished"], a["outcome"], a["end_reason"]) == (
        "yes",
        "reliable_recovery",
        "completed",
    )
    assert (a["research_consent"], a["research_consent_date"]) == ("yes", "2025-01-01")


def test_every_questionnaire_item_is_exported_with_its_date(year, lead):
    rows = export(lead, "events", key=KEY)
    phq9 = [r for r in rows if r["event"] == "phq9"]

    assert list(rows[0]) == [column.name for column in EVENT_COLUMNS]
    assert [r["date"] for r in phq9] == ["2025-01-15", "2025-05-30"]
    assert [phq9[0][f"item_{n}"] for n in range(1, 11)] == ["2"] * 9 + ["1"]
    assert (phq9[0]["total"], phq9[0]["prorated"]) == ("18", "no")
    assert phq9[0]["episode"] == pseudonym(KEY.encode(), "episode", year.episodes["A"].pk)


def test_shifted_dates_move_a_client_by_one_offset_and_keep_intervals(year, lead):
    plain = export(lead, "episodes", key=KEY)
    moved = export(lead, "episodes", key=KEY, shift_dates="on")

    def days(row, column):
        return datetime.date.fromisoformat(row[column])

    for before, after in zip(plain, moved, strict=True):
        offset = days(after, "contact_date") - days(before, "contact_date")
        assert offset != datetime.timedelta(0)
        assert abs(offset.days) <= 182
        assert days(after, "treatment_start_date") - days(before, "treatment_start_date") == offset


def test_cells_that_could_start_a_formula_are_neutralised_in_csv_and_xlsx():
    rows = [["=1+1", "+A1", "-2", "@SUM(A1)", "\tx", "\rx", "ok", 5, None]]

    text = "".join(csv_lines(EPISODE_COLUMNS[:9], rows))
    target, count = xlsx_file(EPISODE_COLUMNS[:9], rows, "x")
    cells = next(openpyxl.load_workbook(target).active.iter_rows(min_row=2, values_only=True))

    written = list(csv.reader(io.StringIO(text, newline="")))[1]
    expected = ["'=1+1", "'+A1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "ok"]
    assert written == [*expected, "5", ""]
    assert list(cells[:5]) == expected[:5]
    assert cells[5].startswith("'")  # the file's XML turns the carriage return into a newline
    assert list(cells[6:]) == ["ok", 5, None]
    assert count == 1


@pytest.mark.parametrize(
    ("age", "band"),
    [(None, ""), (15, "under_16"), (16, "16_17"), (24, "18_29"), (66, "60_66"), (67, "67_plus")],
)
def test_ages_are_exported_in_bands(age, band):
    assert age_band(age) == band


@pytest.mark.parametrize(
    ("steps", "expected"),
    [([], ""), ([1], "low"), ([2, 1], "low"), ([3], "high"), ([1, 3], "both")],
)
def test_intensity_follows_the_steps(steps, expected):
    assert intensity(steps) == expected


def test_the_xlsx_file_is_streamed_from_a_temporary_file(year, lead):
    response = lead.post(URL, {"table": "episodes", "file_format": "xlsx", "key": KEY})

    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="fhi-episodes-')
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_a_short_key_is_refused_and_nothing_is_exported(year, lead):
    page = lead.post(URL, {"table": "episodes", "file_format": "csv", "key": "kort"})

    assert page.status_code == 200
    assert "minst 16 tegn" in page.content.decode()
    assert not ExportLog.objects.exists()


def test_the_data_dictionary_describes_every_column_of_both_files(personas, login):
    http = login(personas.team_lead)

    page = http.get(reverse("reporting:fhi_dictionary")).content.decode()
    file = http.get(reverse("reporting:fhi_dictionary_file")).content.decode()

    rows = list(csv.DictReader(io.StringIO(file)))
    assert [(r["file"], r["column"]) for r in rows] == [
        ("episodes", c.name) for c in EPISODE_COLUMNS
    ] + [("events", c.name) for c in EVENT_COLUMNS]
    assert all(r["type"] and r["meaning"] and r["allowed_values"] for r in rows)
    sex = next(r for r in rows if r["column"] == "sex")
    assert "female (Kvinne)" in sex["allowed_values"]
    assert "<code>work_status_start</code>" in page


def _consented_episodes(personas, n: int) -> None:
    for _ in range(n):
        episode = EpisodeFactory(
            team=personas.team, primary_therapist=personas.therapist, started_at=at("01.03.2025")
        )
        SessionFactory(episode=episode, starts_at=at("10.03.2025"), attendance="attended")
        ConsentFactory(client=episode.client, party="research", recorded_by=personas.team_lead)


def _queries(rows) -> int:
    with CaptureQueriesContext(connection) as queries:
        for _row in rows:
            pass
    return len(queries)


def test_the_files_are_read_in_a_fixed_number_of_queries(personas, year):
    names = Pseudonymiser(KEY.encode(), shift_dates=False)
    _consented_episodes(personas, 1)
    _queries(event_rows(personas.team, names))  # content types are looked up once, then cached
    few = (_queries(episode_rows(personas.team, names)), _queries(event_rows(personas.team, names)))
    _consented_episodes(personas, 6)

    many = (
        _queries(episode_rows(personas.team, names)),
        _queries(event_rows(personas.team, names)),
    )

    assert few == many
