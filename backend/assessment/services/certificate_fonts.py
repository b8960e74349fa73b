"""The font the certificate is set in, and its checks. Pure Python (no Django): `make install` runs
`infra/dev/render_deps.py`, which calls `fonts_check()` on a fresh machine.

Noto Serif SC (SIL Open Font License) comes from the PyPI wheel `pylopdf-fonts-zh-cn`, pinned in
requirements/constraints.txt; its SHA-256 is pinned here as well, so a different file never renders a
certificate. Only the Simplified Chinese subset of Noto CJK (about 12 MB, one weight): a whole Noto CJK
collection costs hundreds of MB per process and is slower to subset. One weight only, on purpose: a synthetic
bold would embed the font a second time (about +75 KiB per PDF).

WeasyPrint subsets the font with HarfBuzz (`libharfbuzz-subset0`, Debian): about 50 ms per certificate. Without
it WeasyPrint falls back to fontTools, about 4 s per certificate, so the check refuses to go on without it.
"""

import ctypes.util
import hashlib
from functools import cache
from pathlib import Path

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSerifSC-Regular.otf"
FONT_SHA256 = "e8f396decc1f0963a016a989c3d8852e863d1350996f573860a80767c83a1cd3"
FONT_FAMILY = "CertificateSerifSC"  # the name the certificate's stylesheet uses in @font-face


class FontSetupError(RuntimeError):
    pass


def font_path() -> Path:
    try:
        package = __import__(FONT_PACKAGE)
    except ImportError as exc:  # pragma: no cover - `make install` installs it
        raise FontSetupError(f"{FONT_PACKAGE} is not installed: run `make install`") from exc
    return Path(package.__file__).parent / FONT_FILE


@cache
def fonts_check() -> Path:
    """The verified font file (checked once per process, ~15 ms). Raises FontSetupError when the font is
    missing or not the pinned file, or when HarfBuzz-Subset is missing."""
    path = font_path()
    if not path.is_file():
        raise FontSetupError(f"{path} is missing: run `make install`")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != FONT_SHA256:
        raise FontSetupError(f"{path} has SHA-256 {digest}, expected {FONT_SHA256}")
    if not harfbuzz_subset_available():
        raise FontSetupError(
            "libharfbuzz-subset is missing: run `make install` (Debian: libharfbuzz-subset0)"
        )
    return path


def harfbuzz_subset_available() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None
