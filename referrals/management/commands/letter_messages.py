from django.core.management.base import BaseCommand

from referrals.letters import outbox


class Command(BaseCommand):
    help = (
        "Write due electronic letters to the outbox folder, read receipts from the inbox "
        "folder and flag letters without a receipt: what the worker's minute sweep does."
    )

    def handle(self, *args: object, **options: object) -> None:
        counts = outbox.messages_sweep()
        counts.update(outbox.receipts_read())
        counts["flagged"] = outbox.receipts_overdue_flag()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in sorted(counts.items())))
