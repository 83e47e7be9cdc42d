"""List clients with more than one open contact and consent conflicts (no personal data:
ids, teams, dates and kinds only). Exit status 1 when anything is found, for monitoring."""

from django.core.management.base import BaseCommand, CommandError

from intake.data_check.queries import clients_with_open_duplicates, consent_conflicts


class Command(BaseCommand):
    help = "List clients with more than one open contact, and consent conflicts."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--fail", action="store_true", help="Exit 1 when anything is found.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        duplicates = clients_with_open_duplicates()
        conflicts = consent_conflicts()
        self.stdout.write(f"Clients with more than one open contact: {len(duplicates)}")
        for row in duplicates:
            contacts = ", ".join(f"#{c.pk} {c.registered_at:%Y-%m-%d}" for c in row.contacts)
            self.stdout.write(f"  client {row.client.pk} (team {row.client.team_id}): {contacts}")
        self.stdout.write(f"Consent conflicts: {len(conflicts)}")
        for conflict in conflicts:
            kind = conflict.line.party if conflict.line else "-"
            self.stdout.write(
                f"  client {conflict.client.pk} (team {conflict.client.team_id}): "
                f"{conflict.problem} {kind}"
            )
        if options["fail"] and (duplicates or conflicts):
            raise CommandError("the data check found something to resolve")
