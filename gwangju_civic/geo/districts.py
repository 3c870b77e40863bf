"""The five gu of Gwangju, read once per process from the bundled GeoJSON: which district a point lies in."""
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

DISTRICTS_FILE = Path(__file__).resolve().parent / "data" / "gwangju_districts.geojson"
# SOURCE.txt asks that the source be named wherever the boundaries are shown or shipped.
ATTRIBUTION = "District boundaries: Statistics Korea SGIS via vuski/admdongkor (2022)"
PER_RESIDENTS = 10_000


@dataclass(frozen=True)
class District:
    code: str
    name_ko: str
    name_en: str
    population: int
    geometry: BaseGeometry

    def name(self, language: str) -> str:
        """Korean in Korean; the official romanization (Dong-gu, Gwangsan-gu…) in English and French."""
        return self.name_ko if language == "ko" else self.name_en

    def per_residents(self, count: int) -> float:
        """`count` per 10,000 residents (2022 population)."""
        return count * PER_RESIDENTS / self.population if self.population else 0.0


@cache
def districts() -> tuple[District, ...]:
    """Every district, ordered by code: read and prepared once, then shared read-only by every thread."""
    collection = json.loads(DISTRICTS_FILE.read_text(encoding="utf-8"))
    found = []
    for feature in collection["features"]:
        properties = feature["properties"]
        geometry = shape(feature["geometry"])
        shapely.prepare(geometry)
        found.append(District(code=str(properties["code"]), name_ko=properties["name_ko"],
                              name_en=properties["name_en"], population=int(properties["population_2022"]),
                              geometry=geometry))
    return tuple(sorted(found, key=lambda district: district.code))


def by_code(code: str | None) -> District | None:
    return next((district for district in districts() if district.code == code), None)


def district_at(latitude: float | None, longitude: float | None) -> District | None:
    """The district holding the point, or None outside the city (or no point).

    A point exactly on a shared border lies in both polygons; the lower code wins, so the answer never varies.
    """
    if latitude is None or longitude is None or not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    return next((d for d in districts() if shapely.intersects_xy(d.geometry, longitude, latitude)), None)


def district_code_at(latitude: float | None, longitude: float | None) -> str | None:
    district = district_at(latitude, longitude)
    return district.code if district else None


def district_name(code: str | None, language: str) -> str:
    """For templates: the district's name in the page's language, or an empty string."""
    district = by_code(code)
    return district.name(language) if district else ""


def boundaries(language: str) -> dict[str, Any]:
    """The districts as a GeoJSON FeatureCollection with their names in `language` (maps draw their outlines)."""
    return {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "features": [
            {"type": "Feature", "id": d.code, "geometry": mapping(d.geometry),
             "properties": {"code": d.code, "name": d.name(language), "population": d.population}}
            for d in districts()
        ],
    }
