"""Rendering a pass certificate to PDF with WeasyPrint, in a warm process.

The font configuration (with the certificate font registered through @font-face), the compiled stylesheet and
the template are built once per process, on first use, and reused for every certificate: about 50 ms and
110 KiB per certificate here, against several hundred ms for a process per PDF. Not thread-safe (WeasyPrint
is not): use processes (Celery prefork, multiprocessing), each builds its own renderer after the fork.
"""

import atexit
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import segno
from django.template.loader import get_template

from assessment.services.certificate_fonts import FONT_FAMILY, fonts_check

TEMPLATE = "assessment/certificate.html"
STYLESHEET = Path(__file__).resolve().parents[1] / "templates" / "assessment" / "certificate.css"


@dataclass(frozen=True)
class CertificateContent:
    """What a certificate shows; every field is already formatted for print."""

    serial: str
    name: str
    institution: str
    cycle_name: str
    cycle_period: str  # 2024年1月1日—2026年12月31日
    result: str  # 合格 | 优秀
    issuer: str  # the issuing commission
    issued_on: str  # 2026年5月1日
    verify_url: str  # carried by the QR code


class CertificateRenderer:
    def __init__(self):
        # Imported here: WeasyPrint costs ~0.3 s to import, which only processes that render should pay.
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        self._html = HTML
        font = fonts_check()
        self.font_config = FontConfiguration()
        font_face = f'@font-face {{ font-family: {FONT_FAMILY}; src: url("{font.as_uri()}"); }}\n'
        self.stylesheet = CSS(
            string=font_face + STYLESHEET.read_text(encoding="utf-8"), font_config=self.font_config
        )
        self.template = get_template(TEMPLATE)

    def render(self, content: CertificateContent) -> bytes:
        qr = segno.make(content.verify_url, error="m", micro=False)
        context = {**asdict(content), "qr_svg": qr.svg_inline(border=0, omitsize=True)}
        html = self.template.render(context)
        return self._html(string=html).write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config)


@cache
def renderer() -> CertificateRenderer:
    """The process's renderer, built on first use (~0.1 s) and kept. Dropped at exit while the interpreter is
    still whole: WeasyPrint keeps a copy of the font in a temporary folder that its finaliser removes."""
    atexit.register(renderer.cache_clear)
    return CertificateRenderer()


def certificate_pdf_render(content: CertificateContent) -> bytes:
    return renderer().render(content)
