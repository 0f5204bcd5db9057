"""White text on the brand gold (OCOP mark, badges, secondary button) meets WCAG AA (4.5:1)."""

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[2] / "cms" / "static" / "css" / "site.css"


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_white_on_gold_contrast_is_at_least_4_5():
    gold = re.search(r"--gold:\s*#([0-9a-fA-F]{6})", CSS.read_text()).group(1)
    assert 1.05 / (_luminance(gold) + 0.05) >= 4.5
