"""Tests for tours.tiles (pure Python; run with ``pytest -p no:django``)."""

from __future__ import annotations

import io
import math
import struct
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # no pytest config/conftest is guaranteed to add the root
    sys.path.insert(0, str(ROOT))

from tours import tiles  # noqa: E402
from tours.tiles import PanoramaError  # noqa: E402

# ----------------------------------------------------------------------------- pattern

# Dim face colours (channels in {0, 100}); bilinear blends of them stay inside [0, 100]^3,
# so they can never be mistaken for the bright marker colours below.
FACE_COLOURS = {
    "f": (100, 0, 0),
    "r": (0, 100, 0),
    "b": (0, 0, 100),
    "l": (100, 100, 0),
    "u": (0, 100, 100),
    "d": (100, 0, 100),
}

# name: (yaw°, pitch°, colour). Yaw grows to the right, pitch upwards (Pannellum).
MARKERS = {
    "up_front": (0, 60, (255, 255, 255)),
    "up_right": (90, 60, (255, 0, 255)),
    "down_front": (0, -60, (0, 255, 255)),
    "down_right": (90, -60, (255, 128, 255)),
    "front_high": (0, 30, (0, 0, 0)),
    "right": (90, 0, (255, 0, 0)),
    "back": (180, 0, (0, 0, 255)),  # straddles the ±180° seam of the equirect image
    "left": (-90, 0, (255, 255, 0)),
    "back_right": (150, 0, (128, 255, 0)),  # b's left half (its left edge meets r)
    "left_back": (-120, 0, (0, 128, 255)),  # l's left half (its left edge meets b)
    "edge_fr": (45, 0, (0, 255, 0)),  # exactly on the f/r edge
}
MARKER_RADIUS = math.radians(4)
FACE = 128  # face size used for the orientation tests


def _directions(width: int, height: int):
    """Unit vectors (x right, y up, z forward) at the pixel centres of an equirect image."""
    yaw = ((np.arange(width) + 0.5) / width - 0.5) * 2 * np.pi
    pitch = (0.5 - (np.arange(height) + 0.5) / height) * np.pi
    yaw, pitch = np.meshgrid(yaw, pitch)
    return np.cos(pitch) * np.sin(yaw), np.sin(pitch), np.cos(pitch) * np.cos(yaw)


def _unit(yaw_deg: float, pitch_deg: float):
    yaw, pitch = math.radians(yaw_deg), math.radians(pitch_deg)
    return (math.cos(pitch) * math.sin(yaw), math.sin(pitch), math.cos(pitch) * math.cos(yaw))


def make_pattern(width: int = 1024, *, markers: bool = True) -> Image.Image:
    """Equirect image coloured by the cube face each direction falls in (+ angular discs)."""
    height = width // 2
    x, y, z = _directions(width, height)
    ax, ay, az = np.abs(x), np.abs(y), np.abs(z)
    img = np.zeros((height, width, 3), np.uint8)
    horizontal = (az >= ax) & (az >= ay)
    side = (ax > az) & (ax >= ay)
    vertical = ~horizontal & ~side
    for face, mask in (
        ("f", horizontal & (z > 0)),
        ("b", horizontal & (z <= 0)),
        ("r", side & (x > 0)),
        ("l", side & (x <= 0)),
        ("u", vertical & (y > 0)),
        ("d", vertical & (y <= 0)),
    ):
        img[mask] = FACE_COLOURS[face]
    if markers:
        for yaw, pitch, colour in MARKERS.values():
            mx, my, mz = _unit(yaw, pitch)
            img[x * mx + y * my + z * mz > math.cos(MARKER_RADIUS)] = colour
    return Image.fromarray(img)


def _face_pixel(a: float, b: float, size: int = FACE) -> tuple[float, float]:
    """Pixel (col, row) of face coords a (left→right) / b (top→bottom) in [-1, 1]."""
    return (a + 1) * size / 2 - 0.5, (b + 1) * size / 2 - 0.5


def _blob(face: Image.Image, colour) -> tuple[float, float, int]:
    """Centroid (col, row) and pixel count of the pixels close to *colour*."""
    arr = np.asarray(face).astype(int)
    mask = (np.abs(arr - np.array(colour)) <= 40).all(axis=2)
    rows, cols = np.nonzero(mask)
    assert rows.size, f"colour {colour} not found on face"
    return float(cols.mean()), float(rows.mean()), int(rows.size)


@pytest.fixture(scope="module")
def plain_faces():
    return tiles.equirect_to_cube_faces(make_pattern(markers=False), FACE)


@pytest.fixture(scope="module")
def marker_faces():
    return tiles.equirect_to_cube_faces(make_pattern(), FACE)


# ----------------------------------------------------------------------------- geometry


def test_faces_are_returned_in_pannellum_order(plain_faces):
    assert list(plain_faces) == ["f", "r", "b", "l", "u", "d"]
    assert all(img.size == (FACE, FACE) and img.mode == "RGB" for img in plain_faces.values())


@pytest.mark.parametrize("face", tiles.FACES)
def test_face_centre_and_bulk_have_the_face_colour(plain_faces, face):
    arr = np.asarray(plain_faces[face]).astype(int)
    assert tuple(arr[FACE // 2, FACE // 2]) == FACE_COLOURS[face]
    assert tuple(arr[FACE // 2 - 1, FACE // 2 - 1]) == FACE_COLOURS[face]
    # Everything but the 1-px blended border must come from this face's region.
    matches = (np.abs(arr - np.array(FACE_COLOURS[face])) <= 2).all(axis=2)
    assert matches[2:-2, 2:-2].all()


@pytest.mark.parametrize(
    "name, face, a, b",
    [
        ("right", "r", 0.0, 0.0),
        ("back", "b", 0.0, 0.0),
        ("left", "l", 0.0, 0.0),
        ("back_right", "b", -math.tan(math.radians(30)), 0.0),
        ("left_back", "l", -math.tan(math.radians(30)), 0.0),
        # f: upward is the top of the image.
        ("front_high", "f", 0.0, -math.tan(math.radians(30))),
        # u: bottom edge meets f's top edge, right side towards r.
        ("up_front", "u", 0.0, 1 / math.tan(math.radians(60))),
        ("up_right", "u", 1 / math.tan(math.radians(60)), 0.0),
        # d: top edge meets f's bottom edge, right side towards r.
        ("down_front", "d", 0.0, -1 / math.tan(math.radians(60))),
        ("down_right", "d", 1 / math.tan(math.radians(60)), 0.0),
    ],
)
def test_marker_lands_at_expected_position(marker_faces, name, face, a, b):
    col, row, count = _blob(marker_faces[face], MARKERS[name][2])
    exp_col, exp_row = _face_pixel(a, b)
    assert col == pytest.approx(exp_col, abs=1.5)
    assert row == pytest.approx(exp_row, abs=1.5)
    assert count > 40  # a real disc, not a few stray pixels
    for other in tiles.FACES:
        if other != face:
            arr = np.asarray(marker_faces[other]).astype(int)
            close = (np.abs(arr - np.array(MARKERS[name][2])) <= 40).all(axis=2)
            assert not close.any(), f"{name} marker leaked onto face {other}"


def test_up_face_marker_is_in_lower_half_and_centred(marker_faces):
    col, row, _ = _blob(marker_faces["u"], MARKERS["up_front"][2])
    assert row > FACE * 0.6
    assert abs(col - (FACE - 1) / 2) < 1.5


def test_back_marker_across_the_equirect_seam_is_whole(marker_faces):
    *_, right_count = _blob(marker_faces["r"], MARKERS["right"][2])
    *_, back_count = _blob(marker_faces["b"], MARKERS["back"][2])
    assert back_count == pytest.approx(right_count, rel=0.1)


def test_yaw_45_marker_is_split_between_front_right_edge_and_right_left_edge(marker_faces):
    colour = MARKERS["edge_fr"][2]
    f_col, f_row, f_count = _blob(marker_faces["f"], colour)
    r_col, r_row, r_count = _blob(marker_faces["r"], colour)
    assert f_col > FACE - 6 and r_col < 5
    assert f_row == pytest.approx((FACE - 1) / 2, abs=1.5)
    assert r_row == pytest.approx((FACE - 1) / 2, abs=1.5)
    assert f_count == pytest.approx(r_count, rel=0.2)
    # The marker touches the very last column of f and the very first column of r.
    f_arr = np.asarray(marker_faces["f"]).astype(int)
    r_arr = np.asarray(marker_faces["r"]).astype(int)
    assert (np.abs(f_arr[:, -1] - colour) <= 40).all(axis=1).any()
    assert (np.abs(r_arr[:, 0] - colour) <= 40).all(axis=1).any()
    assert not (np.abs(f_arr[:, 0] - colour) <= 40).all(axis=1).any()


def test_iter_cube_faces_accepts_arrays_and_matches_dict():
    img = make_pattern(512, markers=True)
    as_dict = tiles.equirect_to_cube_faces(img, 32)
    for face, face_img in tiles.iter_cube_faces(np.asarray(img), 32):
        assert np.array_equal(np.asarray(face_img), np.asarray(as_dict[face]))


@pytest.mark.parametrize(
    "width, cube, levels",
    [(2048, 648, 2), (4096, 1296, 3), (8192, 2600, 4), (16384, 5208, 5), (1024, 320, 1)],
)
def test_cube_size_and_levels_follow_generate_py(width, cube, levels):
    assert tiles.cube_size_for_width(width) == cube
    assert tiles.level_count(cube, 512) == levels
    sizes = tiles.level_sizes(cube, 512)
    assert sorted(sizes) == list(range(1, levels + 1))
    assert sizes[levels] == cube
    assert math.ceil(sizes[1] / min(512, cube)) == 1


# ----------------------------------------------------------------------------- tiling


def _noise_panorama(width: int) -> Image.Image:
    rng = np.random.default_rng(width)
    small = rng.integers(0, 256, (width // 32, width // 16, 3), dtype=np.uint8)
    return Image.fromarray(small).resize((width, width // 2), Image.Resampling.BILINEAR)


def _expected_tiles(cube: int, tile: int) -> dict[int, tuple[int, int]]:
    """{level: (face size, tiles per row)}."""
    return {
        level: (size, math.ceil(size / tile))
        for level, size in tiles.level_sizes(cube, tile).items()
    }


def _tile_files(out: Path, level: int, ext: str) -> set[str]:
    return {p.name for p in (out / str(level)).iterdir() if p.suffix == f".{ext}"}


def test_build_tiles_2048_png_from_file(tmp_path):
    src = tmp_path / "pano.png"
    make_pattern(2048).save(src)  # flat colours: keeps PNG encoding fast
    out = tmp_path / "tiles"

    config = tiles.build_tiles(src, out, extension="png")

    assert config == {
        "path": "/%l/%s%y_%x",
        "fallbackPath": "/fallback/%s",
        "extension": "png",
        "tileResolution": 512,
        "maxLevel": 2,
        "cubeResolution": 648,
    }
    expected = _expected_tiles(648, 512)
    assert expected == {2: (648, 2), 1: (324, 1)}
    assert sorted(p.name for p in out.iterdir()) == ["1", "2", "fallback", "preview.jpg"]
    for level, (_size, n) in expected.items():
        names = {f"{face}{y}_{x}.png" for face in tiles.FACES for y in range(n) for x in range(n)}
        assert _tile_files(out, level, "png") == names
        assert len(names) == 6 * n * n
    # %y is the row, %x the column: the partial (136 px) tiles are on the right/bottom.
    with Image.open(out / "2" / "f0_1.png") as im:
        assert im.size == (136, 512)
    with Image.open(out / "2" / "f1_0.png") as im:
        assert im.size == (512, 136)
    with Image.open(out / "2" / "f1_1.png") as im:
        assert im.size == (136, 136)
    with Image.open(out / "1" / "u0_0.png") as im:
        assert im.size == (324, 324)
    # Fallback faces are never upscaled beyond the cube resolution.
    for face in tiles.FACES:
        with Image.open(out / "fallback" / f"{face}.png") as im:
            assert im.size == (648, 648)
    with Image.open(out / "preview.jpg") as im:
        assert (im.format, im.size) == ("JPEG", (1024, 512))

    # Lossless tiles reassemble into exactly the rendered cube faces.
    with Image.open(src) as im:
        faces = tiles.equirect_to_cube_faces(im, 648)
    for face in ("f", "u"):
        canvas = Image.new("RGB", (648, 648))
        for y in range(2):
            for x in range(2):
                with Image.open(out / "2" / f"{face}{y}_{x}.png") as tile:
                    canvas.paste(tile, (x * 512, y * 512))
        assert np.array_equal(np.asarray(canvas), np.asarray(faces[face]))


def test_build_tiles_4096_jpeg_from_image(tmp_path):
    out = tmp_path / "t"
    config = tiles.build_tiles(_noise_panorama(4096), out, fallback_size=512, quality=70)

    assert config == {
        "path": "/%l/%s%y_%x",
        "fallbackPath": "/fallback/%s",
        "extension": "jpg",
        "tileResolution": 512,
        "maxLevel": 3,
        "cubeResolution": 1296,
    }
    expected = _expected_tiles(1296, 512)
    assert expected == {3: (1296, 3), 2: (648, 2), 1: (324, 1)}
    for level, (size, n) in expected.items():
        assert len(_tile_files(out, level, "jpg")) == 6 * n * n
        for face in tiles.FACES:
            with Image.open(out / str(level) / f"{face}{n - 1}_{n - 1}.jpg") as im:
                assert im.format == "JPEG"
                assert im.size == (size - (n - 1) * 512,) * 2
    with Image.open(out / "3" / "r0_0.jpg") as im:
        assert im.size == (512, 512)
    for face in tiles.FACES:
        with Image.open(out / "fallback" / f"{face}.jpg") as im:
            assert im.size == (512, 512)
    with Image.open(out / "preview.jpg") as im:
        assert im.size == (1024, 512)


def test_build_tiles_small_tile_size_gives_deeper_pyramid(tmp_path):
    config = tiles.build_tiles(_noise_panorama(1024), tmp_path, tile_size=128, extension="webp")
    # cube 320 -> levels 320, 160, 80 (ceil(log2(320/128)) + 1 = 3)
    assert (config["cubeResolution"], config["maxLevel"], config["tileResolution"]) == (
        320,
        3,
        128,
    )
    counts = {level: len(_tile_files(tmp_path, level, "webp")) for level in (1, 2, 3)}
    assert counts == {3: 6 * 9, 2: 6 * 4, 1: 6}


def test_build_tiles_rejects_invalid_input_before_writing(tmp_path):
    out = tmp_path / "never"
    with pytest.raises(PanoramaError) as exc:
        tiles.build_tiles(_huge_png(16500, 8250), out)
    assert exc.value.code == "too_many_pixels"
    assert not out.exists()
    with pytest.raises(ValueError):
        tiles.build_tiles(_noise_panorama(1024), out, extension="gif")


def test_build_tiles_reports_truncated_image(tmp_path):
    buf = io.BytesIO()
    _noise_panorama(1024).save(buf, format="JPEG")
    data = buf.getvalue()[: len(buf.getvalue()) // 2]
    tiles.validate_panorama(data)  # the header alone is fine...
    with pytest.raises(PanoramaError) as exc:
        tiles.build_tiles(data, tmp_path / "out")  # ...but the pixels are not
    assert exc.value.code == "decode_failed"


# ----------------------------------------------------------------------------- validation


def _encoded(size, fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buf, format=fmt)
    return buf.getvalue()


def _huge_png(width: int, height: int) -> bytes:
    """A tiny PNG whose IHDR claims width×height (valid CRC, no matching pixel data)."""
    data = bytearray(_encoded((1, 1), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepts_supported_formats(fmt):
    info = tiles.validate_panorama(_encoded((2048, 1024), fmt))
    assert (info.width, info.height, info.format) == (2048, 1024, fmt)


def test_accepts_path_file_object_and_image_and_restores_position(tmp_path):
    path = tmp_path / "p.png"
    path.write_bytes(_encoded((1024, 512), "PNG"))
    assert tiles.validate_panorama(path).width == 1024
    assert tiles.validate_panorama(str(path)).height == 512
    with open(path, "rb") as fh:
        fh.seek(0)
        tiles.validate_panorama(fh)
        assert fh.tell() == 0
    assert tiles.validate_panorama(Image.new("RGB", (1024, 512))).format is None


def test_ratio_tolerance_is_one_percent():
    assert tiles.validate_panorama(_encoded((2040, 1024), "PNG")).width == 2040
    with pytest.raises(PanoramaError) as exc:
        tiles.validate_panorama(_encoded((2100, 1024), "PNG"))
    assert exc.value.code == "bad_aspect_ratio"


@pytest.mark.parametrize(
    "payload, code",
    [
        (b"this is definitely not an image" * 10, "invalid_image"),
        (b"", "invalid_image"),
        (_encoded((1024, 512), "GIF"), "unsupported_format"),
        (_encoded((1024, 512), "BMP"), "unsupported_format"),
        (_encoded((1536, 1024), "PNG"), "bad_aspect_ratio"),  # 3:2
        (_encoded((1024, 1024), "JPEG"), "bad_aspect_ratio"),
        (_encoded((1000, 500), "PNG"), "too_small"),
    ],
)
def test_rejects_bad_panoramas(payload, code):
    with pytest.raises(PanoramaError) as exc:
        tiles.validate_panorama(io.BytesIO(payload))
    assert exc.value.code == code
    assert isinstance(exc.value, ValueError)
    assert str(exc.value) == exc.value.message and exc.value.message


def test_messages_are_vietnamese():
    with pytest.raises(PanoramaError) as exc:
        tiles.validate_panorama(_encoded((1000, 500), "PNG"))
    assert "Ảnh quá nhỏ" in str(exc.value) and "1024×512" in str(exc.value)
    with pytest.raises(PanoramaError) as exc:
        tiles.validate_panorama(_encoded((1536, 1024), "PNG"))
    assert "tỉ lệ 2:1" in str(exc.value)


@pytest.mark.parametrize(
    "width, height",
    [
        (16500, 8250),  # just above our 16384×8192 limit (below Pillow's own hard limit)
        (40000, 20000),  # above Pillow's decompression-bomb error threshold too
        (65535, 32767),
    ],
)
def test_rejects_too_many_pixels_from_header_alone(width, height):
    payload = _huge_png(width, height)
    assert len(payload) < 100  # nothing was (or could be) decoded
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # DecompressionBombWarning must not leak out
        with pytest.raises(PanoramaError) as exc:
            tiles.validate_panorama(payload)
    assert exc.value.code == "too_many_pixels"


def test_crafted_header_below_limit_is_accepted_without_decoding():
    info = tiles.validate_panorama(_huge_png(16384, 8192))
    assert (info.width, info.height) == (16384, 8192)


def test_custom_pixel_limit():
    payload = _encoded((2048, 1024), "PNG")
    tiles.validate_panorama(payload, max_pixels=2048 * 1024)
    with pytest.raises(PanoramaError) as exc:
        tiles.validate_panorama(payload, max_pixels=2048 * 1024 - 1)
    assert exc.value.code == "too_many_pixels"
    assert exc.value.params == {"width": 2048, "height": 1024, "max_pixels": 2048 * 1024 - 1}
