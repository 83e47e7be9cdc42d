"""Peak memory of the FHI export at 10 000 and at 100 000 episodes: it should stay flat.

    DJANGO_DEBUG=true .venv/bin/python benchmarks/fhi_export_memory.py [--small N --large N]

Builds a throwaway SQLite database in a temporary folder (never DATABASE_URL's), fills it
with bulk_create (per episode: a client, a research consent, a contact, an assessment, an
offer, one attended session and one PHQ-9 response), then runs the episodes and events
exports as CSV (consumed line by line, as StreamingHttpResponse would) and as XLSX (written
to a temporary file), each under tracemalloc, first at the small size and again after
topping up to the large one. It prints the rows written and the peak Python memory of each
run, and the process's peak resident size. Not a test, and not timed: a measurement to read.
"""

import argparse
import datetime
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 5000


def setup_django(folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/benchmark.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rph.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # as in production: DEBUG keeps every query's SQL in memory

    call_command("migrate", verbosity=0)


def make_team():  # type: ignore[no-untyped-def]
    from rph.accounts.models import Municipality, Team, TeamMembership, User
    from rph.accounts.roles import Role

    municipality = Municipality.objects.create(number="9999", name="Målestad")
    team = Team.objects.create(name="RPH Benchmark")
    team.municipalities.add(municipality)
    therapist = User.objects.create(username="benchmark-therapist")
    TeamMembership.objects.create(user=therapist, team=team, role=Role.THERAPIST)
    return team, municipality, therapist


def add_episodes(team, municipality, therapist, start: int, stop: int) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from intake.models import Assessment, Client, Consent, Contact, Party
    from questionnaires.models import Capture, Instrument, Response
    from treatment.models import Episode, Offer, Session

    phq9 = Instrument.objects.get(code="phq9", team=None)
    now = timezone.now()
    for first in range(start, stop, BATCH):
        numbers = range(first, min(first + BATCH, stop))
        day = [now - datetime.timedelta(days=400 - n % 300) for n in numbers]
        clients = Client.objects.bulk_create(
            Client(
                team=team,
                first_name=f"Fornavn{n}",
                last_name=f"Etternavn{n}",
                birth_date=datetime.date(1960 + n % 45, 1 + n % 12, 1 + n % 28),
                home_municipality=municipality,
            )
            for n in numbers
        )
        Consent.objects.bulk_create(
            Consent(team=team, client=c, party=Party.RESEARCH, given=True, recorded_by=therapist)
            for c in clients
        )
        contacts = Contact.objects.bulk_create(
            Contact(
                team=team,
                client=c,
                registered_at=d,
                channel="phone",
                referrer="self",
                concerns=["anxiety"],
                deadline=d + datetime.timedelta(hours=48),
                status="offered",
            )
            for c, d in zip(clients, day, strict=True)
        )
        assessments = Assessment.objects.bulk_create(
            Assessment(
                contact=c,
                therapist=therapist,
                held_at=d + datetime.timedelta(days=3),
                mode="phone",
                status="complete",
                completed_at=d + datetime.timedelta(days=3),
                sex="female",
                education="upper_secondary",
                work_statuses=["in_work"],
                decision="in_target_group",
                step=3,
            )
            for c, d in zip(contacts, day, strict=True)
        )
        episodes = Episode.objects.bulk_create(
            Episode(
                team=team,
                client=c,
                assessment=a,
                primary_therapist=therapist,
                started_at=a.completed_at,
                ended_at=a.completed_at + datetime.timedelta(days=60) if n % 2 else None,
                end_reason="completed" if n % 2 else "",
                created_by=therapist,
            )
            for n, c, a in zip(numbers, clients, assessments, strict=True)
        )
        Offer.objects.bulk_create(
            Offer(
                episode=e,
                step=3,
                started_on=e.started_at.date(),
                start_reason="placement",
                created_by=therapist,
            )
            for e in episodes
        )
        Session.objects.bulk_create(
            Session(
                team=team,
                episode=e,
                therapist=therapist,
                starts_at=e.started_at + datetime.timedelta(days=7),
                purpose="treatment",
                mode="face_to_face",
                attendance="attended",
                created_by=therapist,
            )
            for e in episodes
        )
        Response.objects.bulk_create(
            Response(
                team=team,
                client=c,
                instrument=phq9,
                instrument_code="phq9",
                instrument_version=phq9.version,
                answers=[1] * 9 + [0],
                raw_sum=9,
                total=9,
                capture=Capture.PAPER,
                answered_at=d + datetime.timedelta(days=3),
            )
            for c, d in zip(clients, day, strict=True)
        )


def measure(team, label: str) -> None:  # type: ignore[no-untyped-def]
    from reporting.fhi.dataset import (
        EPISODE_COLUMNS,
        EVENT_COLUMNS,
        Pseudonymiser,
        episode_rows,
        event_rows,
    )
    from reporting.fhi.files import csv_lines, xlsx_file

    names = Pseudonymiser(b"benchmark-key-0123456789", shift_dates=True)
    runs = [("episodes", EPISODE_COLUMNS, episode_rows), ("events", EVENT_COLUMNS, event_rows)]
    for table, columns, rows in runs:
        for file_format in ("csv", "xlsx"):
            tracemalloc.start()
            started = time.monotonic()
            if file_format == "csv":
                count = sum(1 for _line in csv_lines(columns, rows(team, names))) - 1
            else:
                target, count = xlsx_file(columns, rows(team, names), table)
                target.close()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            seconds = time.monotonic() - started
            print(  # noqa: T201
                f"{label:>8} {table:<8} {file_format:<4} {count:>8} rows"
                f"  peak {peak / 2**20:7.1f} MiB  ({seconds:5.1f} s)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        team, municipality, therapist = make_team()
        print("size     file     fmt      rows  peak Python memory (tracemalloc)")  # noqa: T201
        add_episodes(team, municipality, therapist, 0, arguments.small)
        measure(team, f"{arguments.small:,}")
        add_episodes(team, municipality, therapist, arguments.small, arguments.large)
        measure(team, f"{arguments.large:,}")
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process peak resident size, whole run: {peak_rss:.0f} MiB")  # noqa: T201


if __name__ == "__main__":
    main()
