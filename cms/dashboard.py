"""The Plan 236 dashboard (issue 17, part 6): an indicator registry, its figures, charts and CSV.

`cms` knows no product, order, tour or NTM field. Each app describes its indicators with an
`Indicator` and calls `register()` from its `AppConfig.ready()` (products: OCOP products by
stars and commune, communes selling online, traceability, NTM status; shop: orders and
revenue; tours: tours and their scenes), like the open-data datasets (cms/opendata.py).

An indicator is a table: `columns` (the first is the category, the others numbers) and
`compute(filters)` → rows (dicts keyed by column). From that one table the dashboard draws the
chart (server-rendered SVG: horizontal bars, stacked bars or a line; `chart_geometry()`), shows
the same table (the accessible source of the chart) and writes the CSV, so the three can never
disagree. `public=False` indicators are shown to officers only (admin `/admin/ocop/so-lieu/`);
the public page `/so-lieu/` lists the others and offers no commune filter (a commune's sales
could be one producer's).

Who may open the officers' dashboard is registered too (`allow(check)`: products registers its
officer rule); without one only superusers may. Figures are kept in the cache per indicator,
filters, language and the indicator's data `version()` (a fingerprint read from the database,
so a stale figure is never served, whatever the cache).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _

BAR, STACKED, LINE = "bar", "stacked", "line"
COUNT, VND, PERCENT, TEXT = "count", "vnd", "percent", "text"
FIRST_YEAR = 2010  # the national NTM programme's first recognitions
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str = COUNT  # TEXT for the category column
    chart: bool = True  # drawn as a series (numbers only)


@dataclass(frozen=True)
class Filters:
    year: int
    commune: str = ""  # a commune's code (products registers the choices), "" for all
    public: bool = True

    def key(self) -> str:
        return f"{self.year}:{self.commune}:{int(self.public)}"


@dataclass(frozen=True)
class Indicator:
    """One figure of the dashboard. `compute(filters)` → list of row dicts keyed by the column
    keys (category labels already in the active language). `summary(rows)` (optional) →
    [(label, value, unit)] headline figures. `uses_year` / `uses_commune` say which filters
    change it (the page says so); `cache_tags` are the page-cache tags whose purge makes the
    public page stale (cms/cache.py); `version()` is a short fingerprint of its data."""

    key: str
    title: str
    definition: str
    columns: tuple[Column, ...]
    compute: Callable[[Filters], list[dict]]
    chart: str = BAR
    public: bool = True
    order: int = 100
    uses_year: bool = False
    uses_commune: bool = False
    summary: Callable[[list[dict]], list[tuple]] | None = None
    # One fingerprint or several (each is called once per page, however many indicators
    # share it: e.g. the page version).
    version: Callable[[], str] | tuple[Callable[[], str], ...] | None = None
    cache_tags: tuple[str, ...] = ()
    # When its data last changed (datetime or None): the open-data entry's dct:modified.
    modified: Callable[[], datetime.datetime | None] | None = None

    @property
    def category(self) -> Column:
        return self.columns[0]

    @property
    def series(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns[1:] if c.chart)


_REGISTRY: dict[str, Indicator] = {}
_ACCESS: list[Callable] = []
_COMMUNES: list[Callable[[], list[tuple[str, str]]]] = []


def register(indicator: Indicator) -> Indicator:
    """Add (or replace, for reloads) an indicator."""
    if indicator.chart not in (BAR, STACKED, LINE):
        raise ValueError(f"unknown chart kind {indicator.chart!r}")
    _REGISTRY[indicator.key] = indicator
    return indicator


def all_indicators(*, public: bool) -> list[Indicator]:
    found = [i for i in _REGISTRY.values() if i.public or not public]
    return sorted(found, key=lambda i: (i.order, i.key))


def get(key: str) -> Indicator | None:
    return _REGISTRY.get(key)


def allow(check: Callable) -> None:
    """`check(user) → bool`: who may open the officers' dashboard (besides superusers)."""
    if check not in _ACCESS:
        _ACCESS.append(check)


def may_view(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or any(check(user) for check in _ACCESS)


def register_communes(choices: Callable[[], list[tuple[str, str]]]) -> None:
    """`choices()` → [(code, name)]: the communes the officers' filter offers."""
    _COMMUNES[:] = [choices]


def commune_choices() -> list[tuple[str, str]]:
    return _COMMUNES[0]() if _COMMUNES else []


def cache_tags(*, public: bool) -> set[str]:
    return {"dashboard", *(t for i in all_indicators(public=public) for t in i.cache_tags)}


# ----- filters --------------------------------------------------------------------------------


def this_year() -> int:
    return timezone.localdate().year


def parse_filters(query, *, public: bool) -> tuple[Filters, list[str]]:
    """The filters from GET parameters, and what was wrong with them (each wrong value falls
    back to its default, so the page still shows figures)."""
    errors = []
    year = this_year()
    raw = (query.get("year") or "").strip()
    if raw:
        if raw.isdigit() and FIRST_YEAR <= int(raw) <= this_year():
            year = int(raw)
        else:
            errors.append(
                gettext("Năm “%(value)s” không hợp lệ: chọn một năm từ %(first)s đến %(last)s.")
                % {"value": raw[:20], "first": FIRST_YEAR, "last": this_year()}
            )
    commune = ""
    raw = (query.get("commune") or "").strip()
    if raw and not public:
        if raw in dict(commune_choices()):
            commune = raw
        else:
            errors.append(
                gettext("Không có xã/phường mã “%(value)s” trong danh sách: đang xem mọi xã.")
                % {"value": raw[:20]}
            )
    return Filters(year=year, commune=commune, public=public), errors


def year_choices() -> list[int]:
    return list(range(this_year(), FIRST_YEAR - 1, -1))


# ----- figures --------------------------------------------------------------------------------


def _store():
    return caches[settings.PAGE_CACHE_ALIAS]


def _version(indicator: Indicator, memo: dict) -> str:
    parts = indicator.version if isinstance(indicator.version, tuple) else (indicator.version,)
    for part in parts:
        if part not in memo:
            memo[part] = part()
    return ":".join(memo[part] for part in parts)


def rows_for(indicator: Indicator, filters: Filters, memo: dict | None = None) -> list[dict]:
    """The indicator's rows, kept per data version (computed again only when it changes)."""
    if indicator.version is None:
        return indicator.compute(filters)
    memo = {} if memo is None else memo
    raw = f"{_version(indicator, memo)}:{timezone.localdate().isoformat()}"
    digest = hashlib.sha1(raw.encode()).hexdigest()[:16]
    key = f"dash:{indicator.key}:{filters.key()}:{get_language() or ''}:{digest}"
    store = _store()
    rows = store.get(key)
    if rows is None:
        rows = [dict(r) for r in indicator.compute(filters)]
        for row in rows:
            row[indicator.category.key] = str(row[indicator.category.key])
        store.set(key, rows, timeout=CACHE_SECONDS)
    return rows


def format_value(value, unit: str) -> str:
    if value is None or value == "":
        return "—"
    if unit == TEXT:
        return str(value)
    if unit == VND:
        from cms.templatetags.cms_tags import vnd

        return vnd(value)
    if unit == PERCENT:
        return number_format(value, 1, force_grouping=True) + "\u00a0%"
    return number_format(value, 0, force_grouping=True)


def compact(value: float, unit: str) -> str:
    """Short axis labels: 1.250.000 ₫ → "1,3 tr" (vi) / "1.3 m" (en)."""
    if unit == VND and abs(value) >= 1_000_000_000:
        return gettext("%(n)s tỷ") % {"n": number_format(value / 1e9, 1)}
    if unit == VND and abs(value) >= 1_000_000:
        return gettext("%(n)s tr") % {"n": number_format(value / 1e6, 1)}
    if unit == VND and abs(value) >= 1000:
        return gettext("%(n)s nghìn") % {"n": number_format(value / 1e3, 0)}
    return format_value(round(value), unit if unit != VND else COUNT)


# ----- charts (geometry for the SVG templates) ------------------------------------------------

WIDTH = 360  # SVG user units: about one CSS pixel on a 390 px phone
# Three colours each ≥ 4.5:1 against white (and told apart by pattern too, not colour alone).
COLOURS = ("#1f6f43", "#9a4a00", "#1d4f91", "#6b2c91")
PATTERNS = ("solid", "stripes", "dots", "cross")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _desc(indicator: Indicator, rows: list[dict]) -> str:
    """The chart in words (the SVG's <desc>): every category with its values."""
    parts = []
    for row in rows[:24]:
        values = ", ".join(
            f"{c.label} {format_value(row.get(c.key), c.unit)}" for c in indicator.series
        )
        parts.append(f"{row[indicator.category.key]}: {values}")
    text = "; ".join(parts)
    if len(rows) > 24:
        text += "; " + gettext("… và %(n)s dòng khác trong bảng bên dưới") % {"n": len(rows) - 24}
    return text or gettext("Chưa có số liệu.")


def chart_geometry(indicator: Indicator, rows: list[dict]) -> dict:
    """Everything the SVG template draws, in user units (no arithmetic in templates)."""
    series = indicator.series
    styles = [
        {
            "key": c.key,
            "label": c.label,
            "colour": COLOURS[i % len(COLOURS)],
            "pattern": PATTERNS[i % len(PATTERNS)],
            "fill": (
                COLOURS[i % len(COLOURS)]
                if PATTERNS[i % len(PATTERNS)] == "solid"
                else f"url(#{indicator.key}-p{i})"
            ),
            "index": i,
        }
        for i, c in enumerate(series)
    ]
    geometry = {
        "kind": indicator.chart,
        "width": WIDTH,
        "series": styles,
        "desc": _desc(indicator, rows),
        "empty": not rows or all(not row.get(c.key) for row in rows for c in series),
    }
    if indicator.chart == LINE:
        geometry.update(_line(indicator, rows, styles))
    else:
        geometry.update(_bars(indicator, rows, styles))
    return geometry


def _shorten(text: str, limit: int = 46) -> str:
    """A category label that fits the chart's width (the table has it in full)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bars(indicator: Indicator, rows: list[dict], styles: list[dict]) -> dict:
    series = indicator.series
    unit = series[0].unit if series else COUNT
    legend_rows = 0
    if indicator.chart == STACKED:
        legend_rows = (len(series) + 2) // 3
    top = legend_rows * 22 + (10 if legend_rows else 0)
    row_height = 44
    label_space = 86  # right of the longest bar, for its total
    totals = [sum(row.get(c.key) or 0 for c in series) for row in rows]
    if indicator.chart == BAR:
        totals = [row.get(series[0].key) or 0 for row in rows]
    longest = max(totals, default=0) or 1
    pad = 6  # inside the chart's border
    usable = WIDTH - label_space - pad
    bars = []
    for index, row in enumerate(rows):
        y = top + index * row_height
        segments, x = [], float(pad)
        shown = series if indicator.chart == STACKED else series[:1]
        for style, column in zip(styles, shown, strict=False):
            value = row.get(column.key) or 0
            width = usable * value / longest
            if value:
                segments.append(
                    {
                        "x": round(x, 2),
                        "width": round(max(width, 1.5), 2),
                        "fill": style["fill"],
                        "title": f"{row[indicator.category.key]} — {column.label}: "
                        f"{format_value(value, column.unit)}",
                    }
                )
            x += width
        bars.append(
            {
                "label": row[indicator.category.key],
                "short_label": _shorten(str(row[indicator.category.key])),
                "label_x": pad,
                "label_y": y + 14,
                "bar_y": y + 20,
                "bar_height": 16,
                "segments": segments,
                "value_x": round(x + 6, 2),
                "value_y": y + 33,
                "value": format_value(totals[index], unit),
            }
        )
    legend = [
        {
            **style,
            "x": pad + (i % 3) * 118,
            "y": 4 + (i // 3) * 22,
            "text_x": pad + (i % 3) * 118 + 20,
            "text_y": 4 + (i // 3) * 22 + 12,
        }
        for i, style in enumerate(styles)
    ]
    return {
        "height": top + max(len(rows), 1) * row_height,
        "bars": bars,
        "legend": legend if indicator.chart == STACKED else [],
    }


def _line(indicator: Indicator, rows: list[dict], styles: list[dict]) -> dict:
    series = indicator.series
    unit = series[0].unit if series else COUNT
    left, right, top, bottom = 58, 10, 12, 34
    height = 220
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = max((row.get(c.key) or 0 for row in rows for c in series), default=0)
    ceiling = _nice_max(peak)
    step_x = plot_w / max(len(rows) - 1, 1)

    def y_of(value):
        return round(top + plot_h - plot_h * (value or 0) / ceiling, 2)

    ticks, labels = [], set()
    for fraction in (0, 1, 0.5) if peak else (0,):
        if unit != VND and (ceiling * fraction) % 1:
            continue  # no "2" drawn at 2.5
        label = compact(ceiling * fraction, unit)
        if label not in labels:  # 0.5 of a small count rounds to a label already there
            labels.add(label)
            ticks.append({"y": y_of(ceiling * fraction), "label": label})
    lines = []
    for style, column in zip(styles, series, strict=False):
        points = []
        for index, row in enumerate(rows):
            value = row.get(column.key) or 0
            points.append(
                {
                    "x": round(left + index * step_x, 2),
                    "y": y_of(value),
                    "title": f"{row[indicator.category.key]}: {format_value(value, column.unit)}",
                }
            )
        lines.append(
            {
                **style,
                "points": points,
                "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
                "dash": "" if style["index"] == 0 else "6 4",
            }
        )
    axis = [
        {"x": round(left + index * step_x, 2), "label": row.get("axis_label") or str(index + 1)}
        for index, row in enumerate(rows)
    ]
    return {
        "height": height,
        "left": left,
        "tick_x": left - 6,
        "right_x": WIDTH - right,
        "base_y": top + plot_h,
        "axis_y": height - bottom + 16,
        "ticks": ticks,
        "lines": lines,
        "axis": axis,
        "legend": [
            {**style, "x": i * 140, "text_x": i * 140 + 26} for i, style in enumerate(styles)
        ]
        if len(styles) > 1
        else [],
    }


# ----- what templates and CSV get -------------------------------------------------------------


@dataclass
class Figure:
    indicator: Indicator
    rows: list[dict]
    filters: Filters
    chart: dict = field(default_factory=dict)

    @property
    def table(self) -> list[list[dict]]:
        return [
            [
                {
                    "text": format_value(row.get(c.key), c.unit),
                    "value": str(_csv_value(row.get(c.key))),  # what the CSV says
                    "numeric": c.unit != TEXT,
                }
                for c in self.indicator.columns
            ]
            for row in self.rows
        ]

    @property
    def summary(self) -> list[dict]:
        if self.indicator.summary is None:
            return []
        return [
            {"label": label, "text": format_value(value, unit)}
            for label, value, unit in self.indicator.summary(self.rows)
        ]

    @property
    def scope(self) -> str:
        """Which filters apply, in words."""
        if self.indicator.uses_year:
            return gettext("Năm %(year)s") % {"year": self.filters.year}
        return gettext("Hiện tại (không theo năm)")


def figures(filters: Filters) -> list[Figure]:
    found, memo = [], {}
    for indicator in all_indicators(public=filters.public):
        rows = rows_for(indicator, filters, memo)
        found.append(Figure(indicator, rows, filters, chart_geometry(indicator, rows)))
    return found


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return value


def indicator_csv(indicator: Indicator, rows: list[dict]) -> str:
    """One indicator's table: a header of column keys, then its rows (raw numbers)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in indicator.columns])
    for row in rows:
        writer.writerow([_csv_value(row.get(c.key)) for c in indicator.columns])
    return out.getvalue()


ALL_FIELDS = ("indicator", "year", "commune", "category", "measure", "unit", "value")


def all_csv(filters: Filters) -> str:
    """Every indicator in one long table: one line per category and measure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ALL_FIELDS)
    for figure in figures(filters):
        indicator = figure.indicator
        for row in figure.rows:
            for column in indicator.columns[1:]:
                writer.writerow(
                    [
                        indicator.key,
                        filters.year if indicator.uses_year else "",
                        filters.commune if indicator.uses_commune else "",
                        row[indicator.category.key],
                        column.key,
                        column.unit,
                        _csv_value(row.get(column.key)),
                    ]
                )
    return out.getvalue()


def versions(*, public: bool) -> str:
    """One short fingerprint of every (public) indicator's data."""
    memo: dict = {}
    raw = ":".join(
        _version(i, memo) for i in all_indicators(public=public) if i.version is not None
    )
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def month_label(year: int, month: int) -> str:
    return pgettext("month of year", "%(month)02d/%(year)s") % {"month": month, "year": year}


def local_year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[1 January, next 1 January) of `year` in the site's time zone, as aware datetimes."""
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


TITLE = _("Số liệu chuyển đổi số nông thôn mới")


def newest_modified() -> datetime.datetime | None:
    stamps = [i.modified() for i in all_indicators(public=True) if i.modified is not None]
    return max((s for s in stamps if s), default=None)


def register_dataset() -> None:
    """The public figures as an open-data file (cms/opendata.py), built from the same
    registry: only `public` indicators, city-wide, the current year unless ?year= says."""
    from . import opendata

    opendata.register(
        opendata.Dataset(
            id="plan-236-dashboard",
            title=_("Số liệu chuyển đổi số nông thôn mới (Kế hoạch 236)"),
            description=_(
                "Các chỉ tiêu tổng hợp của trang /so-lieu/ trong một bảng dài: mã chỉ tiêu, "
                "năm, nhóm (hạng sao, xã/phường, tháng, mức đạt…), đại lượng, đơn vị và giá "
                "trị — sản phẩm OCOP trực tuyến, xã có chủ thể bán trực tuyến, đơn hàng và "
                "doanh thu theo tháng, truy xuất nguồn gốc, tham quan ảo, kết quả nông thôn "
                "mới. Không có thông tin cá nhân. Thêm ?year=2025 để lấy năm khác."
            ),
            keywords=(_("Kế hoạch 236"), _("chuyển đổi số"), _("nông thôn mới"), _("OCOP")),
            distributions=(opendata.Distribution("dashboard_all_csv", "text/csv"),),
            modified=newest_modified,
            # No version: the catalogue's entry names the file, not its figures (the file
            # itself is built per figures' version, cms/dashboard_views.py); its modified
            # date is as fresh as the catalogue (rebuilt on any publish, and daily).
        )
    )
