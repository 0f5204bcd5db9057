"""Generated demo pictures (no downloads): a soft gradient with a motif per kind of thing."""

import hashlib
import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw

PALETTES = [
    ((31, 111, 63), (233, 242, 220)),
    ((183, 121, 31), (251, 243, 225)),
    ((122, 46, 14), (246, 228, 214)),
    ((20, 80, 120), (224, 236, 246)),
    ((110, 60, 130), (240, 230, 245)),
    ((60, 90, 40), (236, 244, 226)),
]


def _seeded(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)


def render_picture(seed_text: str, size=(960, 720)) -> bytes:
    """A deterministic JPEG for `seed_text`: same text, same bytes."""
    seed = _seeded(seed_text)
    dark, light = PALETTES[seed % len(PALETTES)]
    width, height = size
    img = PILImage.new("RGB", size, light)
    draw = ImageDraw.Draw(img)
    for y in range(0, height, 4):
        t = y / height
        colour = tuple(int(light[i] * (1 - t * 0.35) + dark[i] * t * 0.35) for i in range(3))
        draw.rectangle([0, y, width, y + 4], fill=colour)
    for i in range(5):
        r = 60 + (seed >> (i * 3)) % 140
        cx = (seed >> (i * 5)) % width
        cy = height // 2 + ((seed >> (i * 4)) % (height // 2)) - height // 4
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=dark, width=6)
    draw.rounded_rectangle(
        [width // 2 - 160, height // 2 - 110, width // 2 + 160, height // 2 + 110],
        radius=40,
        fill=dark,
    )
    draw.ellipse(
        [width // 2 - 70, height // 2 - 70, width // 2 + 70, height // 2 + 70],
        fill=light,
    )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82)
    return out.getvalue()


def image_file(seed_text: str, filename: str, size=(960, 720)) -> ImageFile:
    return ImageFile(io.BytesIO(render_picture(seed_text, size)), name=filename)
