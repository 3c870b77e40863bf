"""Point-in-polygon on the bundled districts: a table of places inside each gu, on a border, outside the city."""
import json
import math

import pytest
import shapely
from shapely.geometry import shape

from gwangju_civic.geo.districts import DISTRICTS_FILE, by_code, district_at, district_code_at, districts

# (place, latitude, longitude, district code or None)
PLACES = [
    ("Gwangju City Hall, Sangmu-daero", 35.1600, 126.8526, "29140"),
    ("Seo-gu Office", 35.1520, 126.8900, "29140"),
    ("Chosun University", 35.1410, 126.9300, "29110"),
    ("May 18th Democracy Square", 35.1468, 126.9275, "29110"),
    ("Yangnim-dong", 35.1370, 126.9150, "29155"),
    ("Nam-gu Office", 35.1330, 126.9025, "29155"),
    ("Chonnam National University", 35.1770, 126.9105, "29170"),
    ("Buk-gu Office", 35.1740, 126.9120, "29170"),
    ("Gwangju Songjeong Station", 35.1375, 126.7930, "29200"),
    ("Gwangsan-gu Office", 35.1395, 126.7935, "29200"),
    # Inside the old 34.95–35.35 / 126.60–127.10 rectangle, yet outside the city: the rectangle let them in.
    ("Damyang-gun (neighbouring county)", 35.3210, 126.9880, None),
    ("Hwasun-gun (neighbouring county)", 35.0640, 126.9860, None),
    ("Naju (neighbouring city)", 35.0160, 126.7110, None),
    ("Seoul City Hall", 37.5663, 126.9779, None),
    ("Null Island", 0.0, 0.0, None),
]


@pytest.mark.parametrize(("place", "latitude", "longitude", "code"), PLACES, ids=[row[0] for row in PLACES])
def test_each_place_lies_in_its_district(place, latitude, longitude, code):
    assert district_code_at(latitude, longitude) == code


def test_the_five_districts_with_names_and_population():
    found = {d.code: (d.name_ko, d.name_en, d.population) for d in districts()}
    assert found == {
        "29110": ("동구", "Dong-gu", 90678), "29140": ("서구", "Seo-gu", 248147),
        "29155": ("남구", "Nam-gu", 180643), "29170": ("북구", "Buk-gu", 363088),
        "29200": ("광산구", "Gwangsan-gu", 326650),
    }
    assert by_code("29200").name("ko") == "광산구" and by_code("29200").name("fr") == "Gwangsan-gu"
    assert by_code("11110") is None and by_code(None) is None


# Vertices of the bundled file that two districts share: on the border, in both polygons.
BORDERS = [
    ("Seo-gu / Nam-gu", 35.11587646611059, 126.88351810031627, ("29140", "29155")),
    ("Dong-gu / Buk-gu", 35.15196323277375, 126.95536130743147, ("29110", "29170")),
]


@pytest.mark.parametrize(("border", "latitude", "longitude", "codes"), BORDERS, ids=[row[0] for row in BORDERS])
def test_a_point_on_a_shared_border_gets_the_lower_code_every_time(border, latitude, longitude, codes):
    polygons = {f["properties"]["code"]: shape(f["geometry"])
                for f in json.loads(DISTRICTS_FILE.read_text(encoding="utf-8"))["features"]}
    assert all(shapely.intersects_xy(polygons[code], longitude, latitude) for code in codes)
    assert {district_code_at(latitude, longitude) for _ in range(3)} == {min(codes)}


def test_every_district_holds_its_own_representative_point():
    for district in districts():
        point = district.geometry.representative_point()
        assert district_code_at(point.y, point.x) == district.code


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, None])
def test_no_number_is_no_district(value):
    assert district_at(value, 126.85) is None
    assert district_at(35.16, value) is None
