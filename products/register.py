"""The address register of all Vietnam: 34 provinces and their 3,321 communes, wards and special
zones after the 1 July 2025 reform (GSO codes), with the ~10,000 pre-reform communes (commune,
district, province) that resolve to them.

Source: the `vietnamadminunits` package (MIT, pinned in requirements.txt): its `dataset.db`
holds the current and the pre-reform units, and `converter_2025.json` maps each old unit to the
new one(s) — one old commune split between several new ones is listed under each, its main
successor marked. We read only those two data files (not the package's parser, which needs
shapely), so loading needs nothing but the standard library. `load_register()` is idempotent:
it adds what is missing and corrects names that changed, never deletes (orders point at
communes). Run by `manage.py load_address_register` and by `seed_demo`.
"""

import functools
import importlib.util
import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .reference import Commune, LegacyCommuneName, Province, bare

PACKAGE = "vietnamadminunits"


@dataclass(frozen=True)
class Unit:
    code: str
    province_code: str
    name: str
    kind: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class OldUnit:
    commune_code: str  # the current commune it is (part of)
    commune: str
    district: str
    province: str
    is_main: bool


@dataclass(frozen=True)
class Register:
    provinces: dict[str, tuple[str, str]]  # code → (full name, short name)
    units: list[Unit]
    old_units: list[OldUnit]


def data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{PACKAGE} is not installed (pip install -r requirements.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@functools.cache
def package_register() -> Register:
    """The installed package's register, read once per process."""
    return read_register(data_dir())


def read_register(folder: Path) -> Register:
    db = sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        current = db.execute(
            "SELECT province, provinceShort, provinceCode, provinceKey, ward, wardShort,"
            " wardType, wardCode, wardKey, wardLat, wardLon FROM admin_units"
        ).fetchall()
        old = {
            f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}": r
            for r in db.execute(
                "SELECT provinceKey, districtKey, wardKey, provinceShort, districtShort,"
                " wardShort FROM admin_units_legacy"
            )
        }
    finally:
        db.close()
    provinces = {r["provinceCode"]: (r["province"], r["provinceShort"]) for r in current}
    units = [
        Unit(
            r["wardCode"],
            r["provinceCode"],
            r["wardShort"],
            r["wardType"].lower(),
            r["wardLat"],
            r["wardLon"],
        )
        for r in current
    ]
    code_of = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in current}
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    links: list[tuple[str, str, bool]] = []  # (new code, old key, is_main)
    for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, old_keys in wards.items():
            links += [(code_of[province, ward], key, True) for key in old_keys]
    for province, old_keys in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for key, successors in old_keys.items():
            links += [
                (code_of[province, s["newWardKey"]], key, bool(s["isDefaultNewWard"]))
                for s in successors
                if (province, s["newWardKey"]) in code_of
            ]
    old_units = [
        OldUnit(
            code,
            _plain(old[key]["wardShort"]),
            _plain(old[key]["districtShort"]),
            old[key]["provinceShort"],
            is_main,
        )
        for code, key, is_main in links
        if key in old  # island districts without communes have no row of their own
    ]
    return Register(provinces, units, old_units)


def _plain(name: str) -> str:
    """ "Yên Viên" for "Yên Viên (Thị trấn)", "Sơn Tây" for "Sơn Tây (Thị xã)": the source
    tells same-named units apart by their kind."""
    return re.sub(r"\s*\((?:Thị trấn|Xã|Phường|Huyện|Thị xã|Thành phố)\)$", "", name)


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    communes_created: int
    communes_updated: int
    old_names_created: int


@transaction.atomic
def load_register(register: Register | None = None) -> LoadResult:
    register = register or package_register()
    provinces = {p.code: p for p in Province.objects.all()}
    for code, (name, short) in register.provinces.items():
        province = provinces.get(code) or Province(code=code)
        if (province.name, province.short_name) != (name, short) or province.pk is None:
            province.name, province.short_name = name, short
            province.save()
            provinces[code] = province

    existing = {c.code: c for c in Commune.objects.all()}
    created, changed = [], []
    for unit in register.units:
        values = {
            "province_id": provinces[unit.province_code].pk,
            "name": unit.name,
            "kind": unit.kind,
            "latitude": unit.latitude,
            "longitude": unit.longitude,
        }
        commune = existing.get(unit.code)
        if commune is None:
            commune = Commune(code=unit.code, **values)
            created.append(commune)
        elif any(getattr(commune, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(commune, key, value)
            changed.append(commune)
        else:
            continue
        commune.folded_name = bare(commune.name)
    Commune.objects.bulk_create(created, batch_size=500)
    Commune.objects.bulk_update(
        changed, ["province", "name", "kind", "latitude", "longitude", "folded_name"], 500
    )

    pk_of = dict(Commune.objects.values_list("code", "pk"))
    known = set(
        LegacyCommuneName.objects.values_list(
            "commune_id", "legacy_commune", "legacy_district", "legacy_province"
        )
    )
    new_names = []
    for old in register.old_units:
        key = (pk_of[old.commune_code], old.commune, old.district, old.province)
        if key in known:
            continue
        known.add(key)
        name = LegacyCommuneName(
            commune_id=key[0],
            legacy_commune=old.commune,
            legacy_district=old.district,
            legacy_province=old.province,
            is_main=old.is_main,
        )
        name.fold_names()
        new_names.append(name)
    LegacyCommuneName.objects.bulk_create(new_names, batch_size=1000)
    return LoadResult(len(register.provinces), len(created), len(changed), len(new_names))
