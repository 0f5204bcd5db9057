"""Printable sheets of QR stamps for a batch (issue 19): an A4 PDF laid out by fpdf2, with QR
codes made by segno — no hand-written drawing code.

Each stamp carries the QR code of the batch's link (its GS1 Digital Link when the product has a
GTIN, else its page), the product name, the lot code and the production/expiry dates. Layouts
are fixed grids that print on common A4 label sheets.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
MARGIN = 8.0


@dataclass(frozen=True)
class Layout:
    columns: int
    rows: int

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


# Stamps per A4 page → grid. 12 (3×4, ~65×70 mm), 24 (4×6), 40 (5×8, ~39×35 mm).
LAYOUTS = {12: Layout(3, 4), 24: Layout(4, 6), 40: Layout(5, 8)}
DEFAULT_PER_PAGE = 24
MAX_STAMPS = 2000


def _qr_png(data: str) -> io.BytesIO:
    qr = segno.make(data, error="m", boost_error=False)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=10, border=2)
    out.seek(0)
    return out


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` at the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def stamp_sheet(batch, link: str, *, count: int, per_page: int = DEFAULT_PER_PAGE) -> bytes:
    """A PDF of `count` stamps for `batch`, `per_page` to an A4 page, each encoding `link`."""
    layout = LAYOUTS[per_page]
    count = max(1, min(count, MAX_STAMPS))
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSansCondensed.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSansCondensed-Bold.ttf"))
    pdf.set_title(_("Tem truy xuất lô %(code)s") % {"code": batch.code})
    pdf.set_creator("OCOP Hà Nội")

    cell_w = (PAGE_W - 2 * MARGIN) / layout.columns
    cell_h = (PAGE_H - 2 * MARGIN) / layout.rows
    text_lines = 4
    line_h = min(4.2, cell_h * 0.09)
    qr_size = min(cell_w - 4, cell_h - text_lines * line_h - 4)
    font_size = line_h * 2.1  # pt from mm line height, readable down to ~6 pt

    png = _qr_png(link).getvalue()
    product = batch.product.title
    dates = _("NSX %(made)s") % {"made": batch.produced_on.strftime("%d/%m/%Y")}
    if batch.expires_on:
        dates += " · " + _("HSD %(until)s") % {"until": batch.expires_on.strftime("%d/%m/%Y")}
    lot = _("Lô %(code)s") % {"code": batch.code}
    caption = _("Quét để xem nguồn gốc")

    for n in range(count):
        slot = n % layout.per_page
        if slot == 0:
            pdf.add_page()
        col, row = slot % layout.columns, slot // layout.columns
        x0, y0 = MARGIN + col * cell_w, MARGIN + row * cell_h
        # A light cutting guide around each stamp.
        pdf.set_draw_color(200, 200, 200)
        pdf.set_line_width(0.1)
        pdf.rect(x0, y0, cell_w, cell_h)
        pdf.image(io.BytesIO(png), x=x0 + (cell_w - qr_size) / 2, y=y0 + 1.5, w=qr_size, h=qr_size)
        y = y0 + 1.5 + qr_size + 0.5
        for style, text in (("B", product), ("", lot), ("", dates), ("", caption)):
            pdf.set_font("DejaVu", style, font_size)
            pdf.set_xy(x0 + 1, y)
            pdf.cell(cell_w - 2, line_h, _fit(pdf, text, cell_w - 2), align="C")
            y += line_h
    return bytes(pdf.output())
