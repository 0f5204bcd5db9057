"""Multi-resolution tiler for 360° equirectangular panoramas (Pannellum 2.5 "multires").

Pure Python + Pillow + NumPy; deliberately free of Django imports so it can run in a
management command, a worker process or a plain script.

Output layout (identical to Pannellum's ``utils/multires/generate.py``)::

    out_dir/
        1/f0_0.jpg ...            level 1 = smallest level (face fits in one tile)
        2/f0_0.jpg f0_1.jpg ...   tile name = face letter + row (y) + "_" + column (x)
        ...
        <maxLevel>/...            full cube-face resolution (``cubeResolution``)
        fallback/f.jpg r.jpg b.jpg l.jpg u.jpg d.jpg
        preview.jpg               small equirectangular image (not used by Pannellum itself)

``build_tiles`` returns the matching ``multiRes`` config dict; the caller adds ``basePath``.

Orientation convention
----------------------
World axes: ``x`` points right, ``y`` up, ``z`` forward. Yaw is measured clockwise seen
from above (``yaw = atan2(x, z)``; +90° is to the right) and pitch upwards
(``pitch = atan2(y, hypot(x, z))``). This is Pannellum's convention for equirectangular
input: yaw 0 is the centre column of the image, yaw grows to the right (the left edge is
-180°, the right edge +180°), pitch +90 is the top row.

Cube faces, as Pannellum's renderer (and generate.py via nona) expects them, each image
viewed from inside the cube with its top row "up":

========  ===================  =====================================================
face      looks towards        orientation of the image
========  ===================  =====================================================
``f``     yaw 0                top = zenith side, right edge meets ``r``
``r``     yaw +90              left edge meets ``f``, right edge meets ``b``
``b``     yaw 180              left edge meets ``r``, right edge meets ``l``
``l``     yaw -90 (270)        left edge meets ``b``, right edge meets ``f``
``u``     pitch +90            bottom edge meets the top edge of ``f`` (top edge
                               towards ``b``), right edge towards ``r``
``d``     pitch -90            top edge meets the bottom edge of ``f`` (bottom edge
                               towards ``b``), right edge towards ``r``
========  ===================  =====================================================

i.e. ``u``/``d`` are what you see when you face ``f`` and tilt your head straight up/down.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
from PIL import Image

__all__ = [
    "ALLOWED_FORMATS",
    "FACES",
    "MAX_PIXELS",
    "MIN_HEIGHT",
    "MIN_WIDTH",
    "PREVIEW_FILENAME",
    "PanoramaError",
    "PanoramaInfo",
    "build_tiles",
    "cube_size_for_width",
    "equirect_to_cube_faces",
    "iter_cube_faces",
    "level_count",
    "level_sizes",
    "render_cube_face",
    "validate_panorama",
]

#: Face letters in Pannellum's order (front, right, back, left, up, down).
FACES: tuple[str, ...] = ("f", "r", "b", "l", "u", "d")

#: Pillow format names accepted for uploads (MPO = multi-picture JPEG written by many
#: 360° cameras; it is a plain JPEG for every practical purpose).
ALLOWED_FORMATS: frozenset[str] = frozenset({"JPEG", "MPO", "PNG", "WEBP"})

MIN_WIDTH = 1024
MIN_HEIGHT = 512
#: Largest accepted panorama: 16384 × 8192 (≈134 Mpx, ~400 MB as RGB in memory).
MAX_PIXELS = 16384 * 8192
#: Allowed relative deviation from an exact 2:1 ratio.
ASPECT_TOLERANCE = 0.01

PREVIEW_FILENAME = "preview.jpg"
PREVIEW_WIDTH = 1024

#: Pixels per band when sampling a face; bounds the NumPy temporaries (~40 MB).
_BAND_PIXELS = 1 << 18
#: Rows per band when copying the decoded source into a NumPy array.
_COPY_BAND_ROWS = 256

_SAVE_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
_LANCZOS = Image.Resampling.LANCZOS


class PanoramaError(ValueError):
    """An uploaded panorama cannot be used.

    ``str(exc)``/``exc.message`` is a user-facing Vietnamese message, ``exc.code`` a stable
    English identifier (``invalid_image``, ``unsupported_format``, ``too_many_pixels``,
    ``bad_aspect_ratio``, ``too_small``, ``decode_failed``) and ``exc.params`` extra data.
    """

    def __init__(self, message: str, code: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params


@dataclass(frozen=True)
class PanoramaInfo:
    width: int
    height: int
    format: str | None


Source = str | os.PathLike[str] | bytes | bytearray | IO[bytes] | Image.Image


# --------------------------------------------------------------------------- validation


def _open_image(fp: str | os.PathLike[str] | IO[bytes]) -> Image.Image:
    """``Image.open`` (lazy: only the header is parsed) with Pillow's own bomb guard mapped
    to :class:`PanoramaError`; the size limit itself is enforced by our validator."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(fp)
    except Image.DecompressionBombError as exc:
        raise PanoramaError(
            "Ảnh có số điểm ảnh quá lớn, vượt giới hạn cho phép (tối đa 16384×8192 điểm ảnh).",
            "too_many_pixels",
        ) from exc
    except (Image.UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PanoramaError(
            "Tệp tải lên không phải là ảnh hợp lệ. Vui lòng chọn ảnh JPEG, PNG hoặc WebP.",
            "invalid_image",
        ) from exc


def _check(width: int, height: int, fmt: str | None, max_pixels: int) -> PanoramaInfo:
    if fmt is not None and fmt not in ALLOWED_FORMATS:
        raise PanoramaError(
            f"Định dạng ảnh {fmt} không được hỗ trợ. Vui lòng dùng JPEG, PNG hoặc WebP.",
            "unsupported_format",
            format=fmt,
        )
    if width * height > max_pixels:
        raise PanoramaError(
            f"Ảnh quá lớn ({width}×{height} = {width * height} điểm ảnh). "
            f"Giới hạn là {max_pixels} điểm ảnh (ví dụ 16384×8192).",
            "too_many_pixels",
            width=width,
            height=height,
            max_pixels=max_pixels,
        )
    if height <= 0 or abs(width / height - 2.0) > 2.0 * ASPECT_TOLERANCE:
        raise PanoramaError(
            f"Ảnh {width}×{height} không có tỉ lệ 2:1 của ảnh toàn cảnh 360° "
            "(equirectangular): chiều rộng phải gấp đôi chiều cao.",
            "bad_aspect_ratio",
            width=width,
            height=height,
        )
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise PanoramaError(
            f"Ảnh quá nhỏ ({width}×{height}). Ảnh toàn cảnh 360° cần tối thiểu "
            f"{MIN_WIDTH}×{MIN_HEIGHT} điểm ảnh.",
            "too_small",
            width=width,
            height=height,
        )
    return PanoramaInfo(width, height, fmt)


def validate_panorama(fp_or_image: Source, *, max_pixels: int = MAX_PIXELS) -> PanoramaInfo:
    """Check that *fp_or_image* is a usable equirectangular panorama, from its header only.

    Accepts a path, raw ``bytes``, a binary file object (its position is restored) or an
    already opened ``PIL.Image`` (format ``None`` – an in-memory image – is accepted).
    No pixel data is decoded, so a file claiming absurd dimensions is rejected cheaply.
    Returns :class:`PanoramaInfo`; raises :class:`PanoramaError` otherwise.
    """
    if isinstance(fp_or_image, Image.Image):
        return _check(*fp_or_image.size, fp_or_image.format, max_pixels)
    if isinstance(fp_or_image, (bytes, bytearray)):
        fp_or_image = io.BytesIO(fp_or_image)
    pos = None
    if hasattr(fp_or_image, "read") and hasattr(fp_or_image, "seek"):
        try:
            pos = fp_or_image.tell()
        except (OSError, ValueError):
            pos = None
    try:
        with _open_image(fp_or_image) as im:
            return _check(im.width, im.height, im.format, max_pixels)
    finally:
        if pos is not None:
            fp_or_image.seek(pos)


# --------------------------------------------------------------------------- geometry


def cube_size_for_width(width: int) -> int:
    """Cube face edge for an equirectangular image *width* px wide (as generate.py:
    ``8 * int(width / pi / 8)``, keeping the equator's sampling density)."""
    return 8 * int(width / math.pi / 8)


def level_count(cube_size: int, tile_size: int) -> int:
    """Number of pyramid levels (Pannellum's ``maxLevel``) — halve until one tile."""
    tile_size = min(tile_size, cube_size)
    levels = int(math.ceil(math.log2(cube_size / tile_size))) + 1
    if levels > 1 and round(cube_size / 2 ** (levels - 2)) == tile_size:
        levels -= 1  # same edge case as generate.py
    return levels


def level_sizes(cube_size: int, tile_size: int) -> dict[int, int]:
    """``{level: face size}``; level ``maxLevel`` is ``cube_size``, each lower one half
    (integer division, like generate.py)."""
    levels = level_count(cube_size, tile_size)
    sizes, size = {}, cube_size
    for level in range(levels, 0, -1):
        sizes[level] = size
        size //= 2
    return sizes


def _face_vectors(face: str, a: np.ndarray, b: np.ndarray):
    """Direction (x right, y up, z forward) through face coords *a* (left→right, -1..1)
    and *b* (top→bottom, -1..1). See the module docstring for the convention."""
    if face == "f":
        return a, -b, 1.0
    if face == "r":
        return 1.0, -b, -a
    if face == "b":
        return -a, -b, -1.0
    if face == "l":
        return -1.0, -b, a
    if face == "u":
        return a, 1.0, b
    if face == "d":
        return a, -1.0, -b
    raise ValueError(f"unknown cube face {face!r}")


def _as_rgb_array(img: Image.Image) -> np.ndarray:
    """Copy *img* into an (H, W, 3) uint8 array band by band, so we never hold the extra
    full-size bytes copies that ``np.asarray(img)`` (``tobytes``) would create."""
    if img.mode != "RGB":
        img = img.convert("RGB")
    w, h = img.size
    out = np.empty((h, w, 3), dtype=np.uint8)
    for y in range(0, h, _COPY_BAND_ROWS):
        y1 = min(h, y + _COPY_BAND_ROWS)
        out[y:y1] = np.asarray(img.crop((0, y, w, y1)))
    return out


def render_cube_face(equirect: np.ndarray, face: str, size: int) -> np.ndarray:
    """Bilinearly sample cube *face* (``size``×``size``) from an (H, W, C) uint8
    equirectangular array. Works in row bands to bound temporary memory; wraps around
    horizontally (the ±180° seam) and clamps at the poles."""
    h, w, channels = equirect.shape
    flat = equirect.reshape(h * w, channels)
    out = np.empty((size, size, channels), dtype=np.uint8)
    coords = ((np.arange(size, dtype=np.float64) + 0.5) * (2.0 / size) - 1.0).astype(np.float32)
    a = coords[np.newaxis, :]
    u_scale, u_off = np.float32(w / (2 * math.pi)), np.float32(w / 2 - 0.5)
    v_scale, v_off = np.float32(h / math.pi), np.float32(h / 2 - 0.5)
    rows = max(1, _BAND_PIXELS // size)
    for r0 in range(0, size, rows):
        r1 = min(size, r0 + rows)
        b = coords[r0:r1, np.newaxis]
        x, y, z = _face_vectors(face, a, b)
        x, y, z = np.broadcast_arrays(
            np.asarray(x, np.float32), np.asarray(y, np.float32), np.asarray(z, np.float32)
        )
        u = np.arctan2(x, z) * u_scale + u_off
        v = v_off - np.arctan2(y, np.hypot(x, z)) * v_scale
        del x, y, z
        x0 = np.floor(u)
        fx = (u - x0)[..., np.newaxis]
        y0 = np.floor(v)
        fy = (v - y0)[..., np.newaxis]
        del u, v
        x0 = np.clip(x0.astype(np.int32), -1, w - 1)  # u is in [-0.5, w - 0.5]
        x0[x0 < 0] = w - 1
        x1 = x0 + 1
        x1[x1 == w] = 0
        y0 = y0.astype(np.int32)
        y1 = np.clip(y0 + 1, 0, h - 1) * w
        y0 = np.clip(y0, 0, h - 1) * w
        if h * w >= 2**31:
            y0, y1 = y0.astype(np.int64), y1.astype(np.int64)
        top = np.take(flat, y0 + x0, axis=0).astype(np.float32)
        top += (np.take(flat, y0 + x1, axis=0) - top) * fx
        bottom = np.take(flat, y1 + x0, axis=0).astype(np.float32)
        bottom += (np.take(flat, y1 + x1, axis=0) - bottom) * fx
        top += (bottom - top) * fy
        del bottom
        np.clip(top + 0.5, 0, 255, out=top)
        out[r0:r1] = top.astype(np.uint8)
    return out


def iter_cube_faces(
    equirect: Image.Image | np.ndarray, face_size: int
) -> Iterator[tuple[str, Image.Image]]:
    """Yield ``(letter, RGB image)`` for the six faces, one at a time (in :data:`FACES`
    order), so only one full-resolution face is alive at once."""
    arr = equirect if isinstance(equirect, np.ndarray) else _as_rgb_array(equirect)
    if arr.ndim == 2:
        arr = arr[..., np.newaxis]
    for face in FACES:
        data = render_cube_face(arr, face, face_size)
        yield face, Image.fromarray(data[..., 0] if data.shape[2] == 1 else data)


def equirect_to_cube_faces(img: Image.Image | np.ndarray, face_size: int) -> dict[str, Image.Image]:
    """All six cube faces of an equirectangular image, keyed by Pannellum face letter.

    Convenience wrapper around :func:`iter_cube_faces`; it keeps every face in memory,
    :func:`build_tiles` does not.
    """
    return dict(iter_cube_faces(img, face_size))


# --------------------------------------------------------------------------- tiling


def _save_kwargs(extension: str, quality: int) -> dict[str, Any]:
    fmt = _SAVE_FORMATS[extension]
    if fmt == "PNG":
        return {"format": fmt}
    return {"format": fmt, "quality": quality}


def _write_face(
    face: str,
    img: Image.Image,
    out_dir: Path,
    sizes: dict[int, int],
    tile_size: int,
    fallback_size: int,
    save: dict[str, Any],
    extension: str,
) -> None:
    fb = min(fallback_size, img.width)
    fallback = img if fb == img.width else img.resize((fb, fb), _LANCZOS)
    fallback.save(out_dir / "fallback" / f"{face}.{extension}", **save)
    del fallback
    for level in sorted(sizes, reverse=True):
        size = sizes[level]
        if img.width != size:
            img = img.resize((size, size), _LANCZOS)  # from the previous level, as Pannellum
        level_dir = out_dir / str(level)
        tiles = math.ceil(size / tile_size)
        for row in range(tiles):
            for col in range(tiles):
                box = (
                    col * tile_size,
                    row * tile_size,
                    min(size, (col + 1) * tile_size),
                    min(size, (row + 1) * tile_size),
                )
                img.crop(box).save(level_dir / f"{face}{row}_{col}.{extension}", **save)


def build_tiles(
    source: Source,
    out_dir: str | os.PathLike[str],
    *,
    tile_size: int = 512,
    fallback_size: int = 1024,
    quality: int = 80,
    extension: str = "jpg",
    max_pixels: int = MAX_PIXELS,
    preview_width: int = PREVIEW_WIDTH,
) -> dict[str, Any]:
    """Write the multires tile pyramid, fallback faces and ``preview.jpg`` for *source*.

    *source* is anything :func:`validate_panorama` accepts; it is validated first
    (:class:`PanoramaError` on failure, also if the pixel data turns out to be corrupt).
    Fallback faces are ``fallback_size`` px (never upscaled beyond the cube size).
    Returns Pannellum's ``multiRes`` dict (without ``basePath``)::

        {"path": "/%l/%s%y_%x", "fallbackPath": "/fallback/%s", "extension": "jpg",
         "tileResolution": 512, "maxLevel": 3, "cubeResolution": 1296}

    Peak memory is roughly the decoded source twice (Pillow's buffer + an RGB array),
    plus one full-resolution face and small per-band temporaries.
    """
    if extension not in _SAVE_FORMATS:
        raise ValueError(f"extension must be one of {sorted(_SAVE_FORMATS)}, not {extension!r}")
    if tile_size < 1 or fallback_size < 1 or preview_width < 1:
        raise ValueError("tile_size, fallback_size and preview_width must be positive")
    info = validate_panorama(source, max_pixels=max_pixels)
    out = Path(out_dir)

    if isinstance(source, Image.Image):
        img, owned = source, False
    else:
        if isinstance(source, (bytes, bytearray)):
            source = io.BytesIO(source)
        img, owned = _open_image(source), True
    try:
        try:
            img.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise PanoramaError(
                "Không thể giải mã ảnh: tệp có thể bị hỏng hoặc tải lên chưa đầy đủ.",
                "decode_failed",
            ) from exc
        rgb = img if img.mode == "RGB" else img.convert("RGB")
        out.mkdir(parents=True, exist_ok=True)
        pw = min(preview_width, info.width)
        ph = max(1, round(pw * info.height / info.width))
        rgb.resize((pw, ph), _LANCZOS, reducing_gap=3.0).save(
            out / PREVIEW_FILENAME, format="JPEG", quality=quality
        )
        arr = _as_rgb_array(rgb)
    finally:
        if owned:
            img.close()
    del rgb, img  # let Pillow's full-size buffer go before rendering faces

    cube_size = cube_size_for_width(info.width)
    tile_res = min(tile_size, cube_size)
    sizes = level_sizes(cube_size, tile_res)
    (out / "fallback").mkdir(exist_ok=True)
    for level in sizes:
        (out / str(level)).mkdir(exist_ok=True)
    save = _save_kwargs(extension, quality)
    for face, face_img in iter_cube_faces(arr, cube_size):
        _write_face(face, face_img, out, sizes, tile_res, fallback_size, save, extension)
        del face_img

    return {
        "path": "/%l/%s%y_%x",
        "fallbackPath": "/fallback/%s",
        "extension": extension,
        "tileResolution": tile_res,
        "maxLevel": max(sizes),
        "cubeResolution": cube_size,
    }
