"""Check the access log's hash chain: exit 0 and print the head hash when every link holds,
else name the first broken row and exit non-zero."""

from django.core.management.base import BaseCommand, CommandError

from agencies.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the access log; report the first broken link."

    def handle(self, *args, **options):
        report = audit_verify()
        if report.broken_at is not None:
            what = (
                "its content does not match its hash"
                if report.reason == "content"
                else "it does not link to the row before it (a row was removed or re-linked)"
            )
            raise CommandError(
                f"audit chain broken at row {report.broken_at}: {what} ({report.rows} rows checked)"
            )
        self.stdout.write(
            f"audit chain intact: {report.rows} rows, head {report.head or '(empty)'}\n"
            "Keep the head hash outside the database: rows removed from the end are found by "
            "comparing it."
        )
