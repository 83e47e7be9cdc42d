"""Importing the GP list: good lines in, bad lines reported by number and reason."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from intake.models import GeneralPractitioner
from referrals.gps.services import gp_csv_parse, gps_import
from tests.accounts.factories import MunicipalityFactory
from tests.referrals.factories import GeneralPractitionerFactory

HEADER = "hpr_number;name;practice;address;postcode;town;phone;municipalities"
KNOWN = {"5054", "5057"}
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "fastleger-eksempel.csv"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines]).encode()


@pytest.fixture
def fosen(db):
    return [MunicipalityFactory(number="5054"), MunicipalityFactory(number="5057")]


def test_good_lines_are_read_and_bad_lines_are_reported_with_line_number_and_reason():
    parsed = gp_csv_parse(
        _csv(
            "9100001;Ingrid Aune;Rissa legesenter;Rådhusveien 4;7100;Rissa;73850000;5054",
            "91X;Per Brattli;Rissa legesenter;;;;;5054",
            "9100003;;Stadsbygd legekontor;;;;;5054",
            '9100004;Magnus Eidem;Leksvik legesenter;;;;;"5054;1234"',
            "9100005;Hanne Fosså;Brekstad legesenter;;71300;;;5057",
            "9100006;Jon Gjerstad;Brekstad legesenter;;;;;",
        ),
        KNOWN,
    )

    assert [line.hpr_number for line in parsed.lines] == ["9100001"]
    assert parsed.lines[0].municipalities == ("5054",)
    reasons = {rejected.line: rejected.reason for rejected in parsed.rejected}
    assert reasons == {
        3: "HPR-nummeret må være 4 til 9 sifre.",
        4: "Navnet mangler.",
        5: "Ukjente kommunenumre: 1234.",
        6: "Postnummeret må være 4 sifre.",
        7: "Mangler kommunenummer: oppgi kommunene fastlegen dekker.",
    }


def test_commas_separate_columns_when_the_header_uses_them():
    parsed = gp_csv_parse(
        _csv(
            '9100001,Ingrid Aune,"Rissa legesenter, avd. Nord",Storgata 4,7100,Rissa,,"5054;5057"',
            header=HEADER.replace(";", ","),
        ),
        KNOWN,
    )

    assert parsed.rejected == []
    assert parsed.lines[0].practice == "Rissa legesenter, avd. Nord"
    assert parsed.lines[0].municipalities == ("5054", "5057")


def test_a_byte_order_mark_and_windows_line_ends_are_fine():
    data = "\ufeff" + HEADER + "\r\n" + "9100001;Ingrid Aune;Rissa legesenter;;;;;5054\r\n"

    parsed = gp_csv_parse(data.encode("utf-8"), KNOWN)

    assert parsed.error == "" and parsed.rejected == []
    assert parsed.lines[0].hpr_number == "9100001"


def test_the_same_hpr_number_twice_imports_the_first_line_only():
    parsed = gp_csv_parse(
        _csv(
            "9100001;Ingrid Aune;Rissa legesenter;;;;;5054",
            "9100001;Ingrid Aune;Brekstad legesenter;;;;;5057",
        ),
        KNOWN,
    )

    assert [line.practice for line in parsed.lines] == ["Rissa legesenter"]
    assert parsed.rejected[0].line == 3
    assert "også på linje 2" in parsed.rejected[0].reason


def test_unquoted_municipality_lists_give_a_hint_about_quotes():
    parsed = gp_csv_parse(_csv("9100001;Ingrid Aune;Rissa legesenter;;;;;5054;5057"), KNOWN)

    assert parsed.lines == []
    assert "anførselstegn" in parsed.rejected[0].reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hpr;navn\n1;2", "Ukjente kolonner"),
        (b"hpr_number;name;practice\n9100001;A;B", "mangler kolonnene: municipalities"),
        ("hpr_number;name;practice;municipalities\n9100001;Åse;B;5054".encode("latin-1"), "UTF-8"),
        (b"", "Filen er tom."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(data, message):
    parsed = gp_csv_parse(data, KNOWN)

    assert message in parsed.error
    assert parsed.lines == []


def test_import_creates_updates_by_hpr_number_and_reports_the_rest(fosen):
    existing = GeneralPractitionerFactory(hpr_number="9100002", name="Per Brattli", active=False)
    existing.municipalities.set([fosen[1]])
    untouched = GeneralPractitionerFactory(hpr_number="9100099")

    report = gps_import(
        data=_csv(
            '9100001;Ingrid Aune;Rissa legesenter;Rådhusveien 4;7100;Rissa;;"5054;5057"',
            "9100002;Per Olav Brattli;Rissa legesenter;;;;;5054",
            "12;Feil Nummer;Rissa legesenter;;;;;5054",
        )
    )

    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert [(r.line, r.reason) for r in report.rejected] == [
        (4, "HPR-nummeret må være 4 til 9 sifre.")
    ]
    new = GeneralPractitioner.objects.get(hpr_number="9100001")
    assert {m.number for m in new.municipalities.all()} == {"5054", "5057"}
    existing.refresh_from_db()
    assert (existing.name, existing.active) == ("Per Olav Brattli", True)
    assert [m.number for m in existing.municipalities.all()] == ["5054"]
    untouched.refresh_from_db()
    assert untouched.active


def test_importing_the_same_file_again_changes_nothing(fosen):
    data = _csv("9100001;Ingrid Aune;Rissa legesenter;;;;;5054")
    gps_import(data=data)

    report = gps_import(data=data)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert GeneralPractitioner.objects.count() == 1


def test_the_example_file_in_docs_imports_without_rejected_lines(fosen):
    report = gps_import(data=EXAMPLE.read_bytes())

    assert report.error == "" and report.rejected == []
    assert report.created == GeneralPractitioner.objects.count() >= 8


def test_the_command_prints_the_summary_and_the_rejected_lines(fosen, tmp_path):
    path = tmp_path / "fastleger.csv"
    path.write_bytes(_csv("9100001;Ingrid Aune;Rissa legesenter;;;;;5054", "1;X;Y;;;;;5054"))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_gps", str(path), stdout=out, stderr=err)

    assert "Nye: 1." in out.getvalue()
    assert "Linje 3: HPR-nummeret må være 4 til 9 sifre." in err.getvalue()


def test_the_command_refuses_an_unreadable_file(fosen, tmp_path):
    path = tmp_path / "fastleger.csv"
    path.write_bytes(b"navn\nA")

    with pytest.raises(CommandError, match="Ukjente kolonner"):
        call_command("import_gps", str(path))
    assert not GeneralPractitioner.objects.exists()


def test_empty_columns_from_a_spreadsheet_are_ignored():
    parsed = gp_csv_parse(
        _csv("9100001;Ingrid Aune;Rissa legesenter;;;;;5054;", header=HEADER + ";"), KNOWN
    )

    assert parsed.error == "" and parsed.rejected == []
    assert parsed.lines[0].municipalities == ("5054",)
