"""Print the current authenticator code of an account: for the demo of `make run` only.

Demo supervisors and admins must use a second factor like real ones; whoever tries the demo
without an authenticator app at hand reads the code here instead. Outside the development mode
it refuses: there, only the person's phone knows the code.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current sign-in code of USERNAME's authenticator (development mode only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if not settings.DEVELOPMENT_MODE:
            raise CommandError("otp_code works only in the development mode (`make run`).")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        # The confirmed device, else the one being enrolled (the enrolment page is open).
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
        if device is None:
            raise CommandError(
                f"{username} has no authenticator yet: sign in once, then run this again "
                "while the set-up page is open."
            )
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
