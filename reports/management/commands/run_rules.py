"""``manage.py run_rules [--rule CODE ...] [--dry-run] [--date YYYY-MM-DD] [--no-alerts]``"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reports.rules import RULES, UnknownRule, rules_run
from reports.services.alerts import flags_alert


class Command(BaseCommand):
    help = "Run the flag rules by hand and print what opens, escalates and closes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rule",
            action="append",
            dest="rules",
            metavar="CODE",
            help=f"Only this rule (repeatable). One of: {', '.join(RULES)}",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Compute and print, then roll back."
        )
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="Judge as of this day (default today)."
        )
        parser.add_argument("--no-alerts", action="store_true", help="Do not send alerts.")

    def handle(self, *args, rules=None, dry_run=False, date=None, no_alerts=False, **options):
        try:
            results = rules_run(codes=rules, today=date, dry_run=dry_run)
        except UnknownRule as exc:
            raise CommandError(f"Unknown rule: {exc}. Known: {', '.join(RULES)}") from exc
        verb = "would" if dry_run else "did"
        for r in results:
            self.stdout.write(
                f"{r.rule:28} candidates {r.candidates:>8}  {verb} open {r.opened:>7}  "
                f"escalate {r.escalated:>6}  re-grade {r.regraded:>6}  close {r.closed:>7}"
            )
            if r.opened_sample:
                self.stdout.write(f"    opens subjects  {r.opened_sample}")
            if r.closed_sample:
                self.stdout.write(f"    closes subjects {r.closed_sample}")
        if not dry_run and not no_alerts:
            self.stdout.write(f"alerted about {flags_alert()} flag(s)")
