"""Decode the QR codes the site renders, as a phone would: rasterise the SVG, then read it."""

import re

import zxingcpp
from PIL import Image, ImageDraw

_PATH = re.compile(r'\sd="([^"]+)"')
_SIZE = re.compile(r'width="(\d+(?:\.\d+)?)"')
_SCALE = re.compile(r"scale\((\d+(?:\.\d+)?)\)")
_CMD = re.compile(r"([Mmh])(-?\d+(?:\.\d+)?)(?: (-?\d+(?:\.\d+)?))?")


def rasterise_segno_svg(svg: str, pixels_per_module: int = 8) -> Image.Image:
    """Draw segno's single-path SVG (horizontal 1-module strokes) onto a white canvas."""
    scale_match = _SCALE.search(svg)
    scale = float(scale_match.group(1)) if scale_match else 1.0
    modules = int(round(float(_SIZE.search(svg).group(1)) / scale))
    canvas = Image.new("L", (modules * pixels_per_module,) * 2, 255)
    draw = ImageDraw.Draw(canvas)
    x = y = 0.0
    for cmd, a, b in _CMD.findall(_PATH.search(svg).group(1)):
        if cmd == "M":
            x, y = float(a), float(b)
        elif cmd == "m":
            x, y = x + float(a), y + float(b)
        else:  # h: a horizontal run of dark modules along the line y (centre of the row)
            length = float(a)
            top = (y - 0.5) * pixels_per_module
            draw.rectangle(
                [
                    x * pixels_per_module,
                    top,
                    (x + length) * pixels_per_module - 1,
                    top + pixels_per_module - 1,
                ],
                fill=0,
            )
            x += length
    return canvas


def decode_svg(svg: str) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(rasterise_segno_svg(svg))]
