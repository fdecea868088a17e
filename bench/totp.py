"""RFC 6238 TOTP without Django (the load generator computes two-factor tokens with it)."""

import hashlib
import hmac
import struct
import time

# A fixed TOTP key (hex, as django-otp stores it): benchmark accounts only.
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"


def totp_now(key_hex: str = TOTP_KEY_HEX, *, step: int = 30, digits: int = 6) -> str:
    """The current token (SHA-1), as django-otp's TOTPDevice computes it."""
    counter = int(time.time()) // step
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)
