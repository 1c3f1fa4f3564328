import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mcp_payments.backoffice.security import current_code, staff_totp_device


class Command(BaseCommand):
    help = (
        "Print the current TOTP code of a user's authenticator device, enrolling the user with"
        " one first if it has none (for operators and automation)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--uri",
            action="store_true",
            help="Also print the otpauth:// URI to add the device to an authenticator app.",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object."
        )

    def handle(self, *args, username: str, uri: bool, as_json: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No such user: '{username}'")
        device = staff_totp_device(user)
        code = current_code(device)
        if as_json:
            printed = {"username": username, "code": code}
            if uri:
                printed["uri"] = device.config_url
            self.stdout.write(json.dumps(printed))
            return
        self.stdout.write(code)
        if uri:
            self.stdout.write(device.config_url)
