"""Pannellum tour configuration for a VirtualTourPage (a plain service; views stay thin).

``tour_config(page, ...)`` returns the JSON Pannellum's ``pannellum.viewer(id, config)`` takes
(``default`` + ``scenes``); scenes with finished tiles use the ``multires`` type (only the tiles in
view are loaded), others fall back to the original equirectangular file. ``tour_context`` adds
what the template needs for the accessible list, the thumbnail strip and the no-WebGL fallback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cms.language import english_ui
from cms.templatetags.cms_images import parsed_filter

from .models import Hotspot, Scene, VirtualTourPage

PREVIEW_RENDITION = "width-1024"
THUMB_RENDITION = "fill-240x120"
HOTSPOT_RENDITION = "max-480x360"
AUTO_ROTATE_SPEED = -2  # degrees per second; Pannellum stops it on the first interaction


@dataclass
class HotspotView:
    id: str
    kind: str
    title: str
    yaw: float
    pitch: float
    text: str = ""
    target_scene: str = ""
    target_title: str = ""
    url: str = ""
    image_url: str = ""


@dataclass
class SceneView:
    key: str
    title: str
    description: str
    yaw: float
    pitch: float
    hfov: float
    preview_url: str
    thumb_url: str
    narration_url: str = ""
    narration_lang: str = ""  # the narration's language, when it differs from the page's
    transcript: str = ""
    latitude: float | None = None
    longitude: float | None = None
    hotspots: list[HotspotView] = field(default_factory=list)
    pannellum: dict = field(default_factory=dict)


@dataclass
class MiniMap:
    """Where each scene was taken, drawn as a small SVG plan (no map tiles: it works offline)."""

    width: int
    height: int
    points: list[dict]  # {"key", "title", "number", "x", "y"}
    paths: list[dict]  # {"x1", "y1", "x2", "y2"}: a "go to scene" hotspot between two scenes


MINIMAP_WIDTH, MINIMAP_HEIGHT, MINIMAP_PAD = 240, 150, 22


def mini_map(views: list[SceneView]) -> MiniMap | None:
    """The tour's mini-map, when at least two scenes have a position."""
    placed = [v for v in views if v.latitude is not None and v.longitude is not None]
    if len(placed) < 2:
        return None
    lat0 = math.radians(sum(v.latitude for v in placed) / len(placed))
    xs = [v.longitude * math.cos(lat0) for v in placed]
    ys = [-v.latitude for v in placed]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    inner_w, inner_h = MINIMAP_WIDTH - 2 * MINIMAP_PAD, MINIMAP_HEIGHT - 2 * MINIMAP_PAD
    scale = min(inner_w / (max(xs) - min(xs) or span), inner_h / (max(ys) - min(ys) or span))
    off_x = MINIMAP_PAD + (inner_w - (max(xs) - min(xs)) * scale) / 2
    off_y = MINIMAP_PAD + (inner_h - (max(ys) - min(ys)) * scale) / 2
    numbers = {v.key: number for number, v in enumerate(views, start=1)}  # as in the scene list
    points, at = [], {}
    for view, x, y in zip(placed, xs, ys, strict=True):
        px = round(off_x + (x - min(xs)) * scale, 1)
        py = round(off_y + (y - min(ys)) * scale, 1)
        at[view.key] = (px, py)
        points.append(
            {"key": view.key, "title": view.title, "number": numbers[view.key], "x": px, "y": py}
        )
    paths, seen = [], set()
    for view in placed:
        for hs in view.hotspots:
            pair = tuple(sorted((view.key, hs.target_scene)))
            if hs.kind == Hotspot.Kind.SCENE and hs.target_scene in at and pair not in seen:
                seen.add(pair)
                (x1, y1), (x2, y2) = at[view.key], at[hs.target_scene]
                paths.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2})
    return MiniMap(MINIMAP_WIDTH, MINIMAP_HEIGHT, points, paths)


def _number(value, lo: float, hi: float) -> float | None:
    """A finite float from a query-string value, clamped to [lo, hi]; None if unusable."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return max(lo, min(hi, number))


def _hotspot_views(scene: Scene, titles: dict[str, str]) -> list[HotspotView]:
    views = []
    for index, hs in enumerate(scene.hotspots.all()):
        view = HotspotView(
            id=f"hs-{scene.key}-{index}",
            kind=hs.kind,
            title=hs.t.title,
            yaw=hs.yaw,
            pitch=hs.pitch,
            text=hs.t.text,
        )
        if hs.kind == Hotspot.Kind.SCENE:
            if hs.target_scene not in titles:
                continue  # dangling link: never send the viewer to a scene that does not exist
            view.target_scene = hs.target_scene
            view.target_title = titles[hs.target_scene]
        elif hs.kind == Hotspot.Kind.PRODUCT:
            product = hs.product
            if product is None or not product.live:
                continue
            view.url = product.url
        if hs.image_id:
            view.image_url = hs.image.get_rendition(parsed_filter(HOTSPOT_RENDITION)).url
        views.append(view)
    return views


def _pannellum_hotspot(view: HotspotView) -> dict:
    data = {
        "id": view.id,
        "yaw": view.yaw,
        "pitch": view.pitch,
        "text": view.title,
        # Our own 44 px icons per kind (tours.css), not Pannellum's 26 px sprite.
        "cssClass": f"pnlm-hotspot tour-hotspot tour-hotspot-{view.kind} {view.id}",
    }
    if view.kind == Hotspot.Kind.SCENE:
        data.update(type="scene", sceneId=view.target_scene)
    else:
        data["type"] = "info"
        if view.kind == Hotspot.Kind.PRODUCT:
            data.update(URL=view.url, attributes={"target": "_self"})
        elif view.text:
            data["text"] = f"{view.title}: {view.text}"
        if view.image_url:
            data["image"] = view.image_url
    return data


def _narration(scene: Scene):
    """(audio document, its language if not the page's): an English page plays the English
    narration; without one, the Vietnamese narration, said to be Vietnamese."""
    if english_ui():
        if scene.narration_en_id:
            return scene.narration_en, ""
        return (scene.narration, "vi") if scene.narration_id else (None, "")
    return (scene.narration, "") if scene.narration_id else (None, "")


def _scene_view(scene: Scene, titles: dict[str, str], ready: dict | None = None) -> SceneView:
    from .tasks import ready_tiles, tiles_url

    image = scene.panorama
    tiles = ready.get(image.pk) if ready is not None else ready_tiles(image)
    if tiles is not None:
        base = tiles_url(tiles)
        preview_url = f"{base}/preview.jpg"
        source = {"type": "multires", "multiRes": {**tiles.config, "basePath": base}}
    else:
        preview_url = image.get_rendition(parsed_filter(PREVIEW_RENDITION)).url
        source = {"type": "equirectangular", "panorama": image.file.url}
    narration, narration_lang = _narration(scene)
    view = SceneView(
        key=scene.key,
        title=scene.t.title,
        description=scene.t.description,
        yaw=scene.yaw,
        pitch=scene.pitch,
        hfov=scene.hfov,
        preview_url=preview_url,
        thumb_url=image.get_rendition(parsed_filter(THUMB_RENDITION)).url,
        narration_url=narration.url if narration else "",
        narration_lang=narration_lang,
        transcript=scene.t.transcript,
        latitude=scene.latitude,
        longitude=scene.longitude,
        hotspots=_hotspot_views(scene, titles),
    )
    view.pannellum = {
        "title": scene.t.title,
        "yaw": scene.yaw,
        "pitch": scene.pitch,
        "hfov": scene.hfov,
        "preview": preview_url,
        "hotSpots": [_pannellum_hotspot(h) for h in view.hotspots],
        **source,
    }
    return view


def shown_scenes(scenes) -> list[Scene]:
    """The scenes a tour shows: the first of each key, and only those with a panorama."""
    shown, seen = [], set()
    for scene in scenes:
        if scene.key in seen or not scene.panorama_id:
            continue
        seen.add(scene.key)
        shown.append(scene)
    return shown


def scene_views(page: VirtualTourPage) -> list[SceneView]:
    from .tasks import ready_tiles_for

    scenes = list(page.scenes.all())
    titles = {}
    for scene in scenes:
        titles.setdefault(scene.key, scene.t.title)
    shown = shown_scenes(scenes)
    ready = ready_tiles_for([scene.panorama for scene in shown])  # one query for all scenes
    return [_scene_view(scene, titles, ready) for scene in shown]


def tour_config(
    page: VirtualTourPage,
    *,
    scene: str | None = None,
    yaw=None,
    pitch=None,
    views: list[SceneView] | None = None,
) -> dict:
    """Pannellum tour config; ``scene``/``yaw``/``pitch`` come from a deep link
    (``?scene=&yaw=&pitch=``) and are ignored when unknown or not numbers."""
    views = scene_views(page) if views is None else views
    scenes = {v.key: dict(v.pannellum) for v in views}
    first = scene if scene in scenes else (views[0].key if views else None)
    if first is not None:
        deep_yaw, deep_pitch = _number(yaw, -180, 180), _number(pitch, -90, 90)
        if deep_yaw is not None:
            scenes[first]["yaw"] = deep_yaw
        if deep_pitch is not None:
            scenes[first]["pitch"] = deep_pitch
    default = {
        "firstScene": first,
        "sceneFadeDuration": 600,
        "autoLoad": True,
        "showFullscreenCtrl": True,
        "showZoomCtrl": True,
        "compass": False,
        "strings": {
            "loadButtonLabel": _("Nhấn để<br>tải ảnh toàn cảnh"),
            "loadingLabel": _("Đang tải..."),
            "bylineLabel": _("bởi %s"),
            "noPanoramaError": _("Không có ảnh toàn cảnh."),
            "fileAccessError": _("Không tải được tệp %s."),
            "malformedURLError": _("Đường dẫn ảnh toàn cảnh không hợp lệ."),
            "iOS8WebGLError": _("Trình duyệt không hỗ trợ WebGL đầy đủ."),
            "genericWebGLError": _("Trình duyệt không hỗ trợ WebGL."),
            "textureSizeError": _("Ảnh quá lớn cho thiết bị này."),
            "unknownError": _("Lỗi không xác định."),
        },
    }
    if page.auto_rotate:
        default["autoRotate"] = AUTO_ROTATE_SPEED
    return {"default": default, "scenes": scenes}


def tour_context(page: VirtualTourPage, request) -> dict:
    params = request.GET if request is not None else {}
    views = scene_views(page)
    config = tour_config(
        page,
        scene=params.get("scene"),
        yaw=params.get("yaw"),
        pitch=params.get("pitch"),
        views=views,
    )
    current = config["default"]["firstScene"]
    return {
        "tour_config": config,
        "tour_scenes": views,
        "current_scene": next((v for v in views if v.key == current), None),
        "tour_minimap": mini_map(views),
        "tour_editor": bool(getattr(request, "is_preview", False)),
    }
