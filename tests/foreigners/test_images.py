"""Uploaded photos: refused before decoding when too big, not an image by content, over the
pixel cap or damaged; otherwise re-encoded without metadata, SHA-256 and GPS kept."""

import hashlib
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from foreigners.images import image_accept


def _jpeg(size=(64, 48), exif=None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="JPEG", exif=exif or b"")
    return out.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims a huge size: a decompression bomb's header (a few hundred bytes
    of deflated zeros would decode to width x height pixels)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _upload(data: bytes, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _refusal(data: bytes, name="photo.jpg") -> str:
    with pytest.raises(ValidationError) as info:
        image_accept(_upload(data, name))
    return info.value.error_list[0].code


def test_a_photo_is_re_encoded_without_exif_and_its_sha256_and_gps_are_kept():
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (4.0, 1.0, 12.0), 3: "E", 4: (119.0, 37.0, 25.0)})
    original = _jpeg(exif=exif)
    accepted = image_accept(_upload(original))
    assert accepted.sha256 == hashlib.sha256(original).hexdigest()
    assert str(accepted.latitude) == "-4.02000"
    assert str(accepted.longitude) == "119.62361"
    stored = accepted.content.read()
    assert b"CameraMaker" not in stored
    with Image.open(io.BytesIO(stored)) as img:
        assert img.format == "JPEG" and not img.getexif()


def test_zero_bytes_are_refused():
    assert _refusal(b"") == "empty"


def test_over_ten_megabytes_is_refused_before_reading(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    assert _refusal(_jpeg((200, 200)) + b"\x00" * 1000) == "too_large"


def test_decompression_bomb_and_huge_dimensions_are_refused_from_the_header():
    bomb = _png_header_only(13000, 13000)
    assert len(bomb) < 2000
    assert _refusal(bomb, "bomb.png") == "too_many_pixels"
    # Beyond Pillow's own bomb limit too: still our message, not Pillow's error.
    assert _refusal(_png_header_only(60000, 60000), "huge.png") == "too_many_pixels"


def test_truncated_image_is_refused_as_damaged():
    assert _refusal(_jpeg((400, 300))[:600]) == "damaged"


def test_a_script_with_an_image_extension_is_refused_by_its_content():
    assert _refusal(b"<script>alert(1)</script>", "photo.jpg") == "not_an_image"
    gif = b"GIF89a/*" + b"\x00" * 20 + b"*/=alert(1)//"
    assert _refusal(gif, "polyglot.jpg") == "not_an_image"


def test_a_polyglot_jpeg_with_a_trailing_archive_is_stored_without_the_trailer():
    payload = b"PK\x03\x04" + b"<?php system($_GET['c']); ?>" * 10
    accepted = image_accept(_upload(_jpeg() + payload))
    assert b"<?php" not in accepted.content.read()


def test_a_png_named_jpg_is_accepted_by_its_content_and_stored_as_jpeg():
    out = io.BytesIO()
    Image.new("RGB", (30, 30)).save(out, format="PNG")
    accepted = image_accept(_upload(out.getvalue(), "really-a-png.jpg"))
    assert accepted.content.read()[:3] == b"\xff\xd8\xff"
