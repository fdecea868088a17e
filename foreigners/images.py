"""Photos people upload: checked before they are decoded, then re-encoded.

Order matters: the size and the type (by content, not by name) are checked on the raw bytes,
the pixel count from the header alone, and only then is the image decoded. A 160 KiB PNG of
13000 x 13000 pixels would otherwise take over a gigabyte to decode.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

PHOTO_MAX_SIDE = 1600
# Magic bytes of the formats a phone or camera produces and Pillow decodes safely.
_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
)
_GPS_IFD = 0x8825
# A damaged image is refused, never decoded in part.
ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True)
class AcceptedImage:
    content: ContentFile  # the re-encoded JPEG, without metadata
    sha256: str  # of the bytes uploaded, as evidence of what was received
    latitude: Decimal | None  # the camera's GPS position, when the file carried one
    longitude: Decimal | None


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _too_many_pixels() -> ValidationError:
    return _refuse(
        _("The photo has too many pixels (%(mp)d megapixels at most).")
        % {"mp": settings.UPLOAD_MAX_PIXELS // 1_000_000},
        "too_many_pixels",
    )


def _sniff(head: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def image_accept(upload, *, max_side: int = PHOTO_MAX_SIDE) -> AcceptedImage:
    """Check and re-encode one uploaded photo, or raise ``ValidationError`` saying why not:
    empty, over UPLOAD_MAX_BYTES, not a JPEG/PNG/WebP by its content, over UPLOAD_MAX_PIXELS,
    or damaged. The result is a JPEG of at most ``max_side`` pixels, upright, without EXIF."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if not size:
        raise _refuse(_("The file is empty."), "empty")
    if size > settings.UPLOAD_MAX_BYTES:
        raise _refuse(
            _("The photo is larger than %(mb)d MB.")
            % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
            "too_large",
        )
    upload.seek(0)
    kind = _sniff(upload.read(16))
    if kind is None:
        raise _refuse(_("Only JPEG, PNG or WebP photos are accepted."), "not_an_image")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    try:
        with Image.open(upload, formats=[kind]) as img:
            # Image.open reads only the header: the size is known before any pixel is decoded.
            width, height = img.size
            if width * height > settings.UPLOAD_MAX_PIXELS:
                raise _too_many_pixels()
            latitude, longitude = _gps(img)
            img.load()
            img = ImageOps.exif_transpose(img)
            img = img.convert("RGB")
            img.thumbnail((max_side, max_side))
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=82, optimize=True)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow's own limit (twice Image.MAX_IMAGE_PIXELS), hit while reading the header.
        raise _too_many_pixels() from exc
    except UnidentifiedImageError as exc:
        raise _refuse(_("The file is not a photo we can read."), "bad_image") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _refuse(_("The photo is damaged or incomplete."), "damaged") from exc
    return AcceptedImage(ContentFile(out.getvalue()), digest.hexdigest(), latitude, longitude)


def image_normalise(upload, *, max_side: int = PHOTO_MAX_SIDE) -> ContentFile:
    """The re-encoded photo only (see :func:`image_accept`)."""
    return image_accept(upload, max_side=max_side).content


def _gps(img) -> tuple[Decimal | None, Decimal | None]:
    """The EXIF GPS position in decimal degrees, or (None, None); a malformed tag is ignored."""
    try:
        gps = img.getexif().get_ifd(_GPS_IFD)
        lat, lat_ref = gps.get(2), gps.get(1)
        lon, lon_ref = gps.get(4), gps.get(3)
        if not (lat and lon):
            return None, None
        latitude = _degrees(lat) * (-1 if str(lat_ref).upper().startswith("S") else 1)
        longitude = _degrees(lon) * (-1 if str(lon_ref).upper().startswith("W") else 1)
    except (AttributeError, TypeError, ValueError, ZeroDivisionError, KeyError, OSError):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude.quantize(Decimal("0.00001")), longitude.quantize(Decimal("0.00001"))


def _degrees(dms) -> Decimal:
    d, m, s = (Decimal(str(float(x))) for x in dms)
    return d + m / 60 + s / 3600
