"""QR codes for traceability pages (SVG, through segno)."""

import segno


def qr_svg(data: str, *, scale: int = 4, title: str | None = None) -> str:
    """Inline SVG markup of a QR code (error correction M) encoding `data`."""
    qr = segno.make(data, error="m", boost_error=False)
    return qr.svg_inline(scale=scale, border=4, title=title)
