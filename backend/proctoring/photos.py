"""Photo checks by their bytes: JPEG or PNG (never by the declared type alone), size and pixel count read from
the header without decoding the image (a decompression bomb is refused before anything decodes it)."""

import struct
from dataclasses import dataclass

JPEG = "image/jpeg"
PNG = "image/png"
TYPES = (JPEG, PNG)
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
# Start-of-frame markers (baseline, progressive, ...): not DHT (C4), JPG (C8), DAC (CC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True)
class PhotoInfo:
    content_type: str | None  # None: neither JPEG nor PNG
    width: int = 0
    height: int = 0

    @property
    def pixels(self) -> int:
        return self.width * self.height


def sniff(data: bytes) -> str | None:
    if data.startswith(_PNG_MAGIC):
        return PNG
    if data.startswith(_JPEG_MAGIC):
        return JPEG
    return None


def _jpeg_size(data: bytes) -> tuple[int, int]:
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in _SOF and i + 9 <= n:
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        if marker == 0xDA:  # start of scan before any frame header
            break
        i += 2 + length
    return 0, 0


def inspect(data: bytes) -> PhotoInfo:
    """The type by magic bytes and the dimensions from the header (0 x 0 when unreadable)."""
    kind = sniff(data)
    if kind == PNG:
        if len(data) >= 24 and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return PhotoInfo(PNG, width, height)
        return PhotoInfo(PNG)
    if kind == JPEG:
        return PhotoInfo(JPEG, *_jpeg_size(data))
    return PhotoInfo(None)
