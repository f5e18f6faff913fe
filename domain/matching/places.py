"""Provinces named in free text (a place, an origin, a dialect), and how far apart they are.

Place texts in reports are free ("河南周口人", "西山汽车站", "四川口音"): the matcher only needs the
province and the distance between two provinces (capital to capital), so that is all it keeps.
"""

from __future__ import annotations

import math
from functools import cache

PROVINCES: dict[str, tuple[float, float]] = {
    "北京": (39.90, 116.41), "天津": (39.13, 117.20), "河北": (38.04, 114.51), "山西": (37.87, 112.55),
    "内蒙古": (40.84, 111.75), "辽宁": (41.80, 123.43), "吉林": (43.82, 125.32), "黑龙江": (45.80, 126.53),
    "上海": (31.23, 121.47), "江苏": (32.06, 118.80), "浙江": (30.27, 120.16), "安徽": (31.82, 117.23),
    "福建": (26.07, 119.30), "江西": (28.68, 115.86), "山东": (36.65, 117.12), "河南": (34.75, 113.63),
    "湖北": (30.59, 114.31), "湖南": (28.23, 112.94), "广东": (23.13, 113.26), "广西": (22.82, 108.37),
    "海南": (20.04, 110.20), "重庆": (29.56, 106.55), "四川": (30.57, 104.07), "贵州": (26.65, 106.63),
    "云南": (25.04, 102.71), "西藏": (29.65, 91.17), "陕西": (34.34, 108.94), "甘肃": (36.06, 103.83),
    "青海": (36.62, 101.78), "宁夏": (38.49, 106.23), "新疆": (43.83, 87.62), "香港": (22.32, 114.17),
    "澳门": (22.20, 113.54), "台湾": (25.03, 121.57),
}
"""Province (short name) → (latitude, longitude) of its capital."""

_BY_LENGTH = sorted(PROVINCES, key=len, reverse=True)


@cache
def province_of(text: str | None) -> str | None:
    """The first province named in ``text`` (short or full name), or None."""
    if not text:
        return None
    hits = [(text.find(p), p) for p in _BY_LENGTH if p in text]
    return min(hits)[1] if hits else None


@cache
def distance_km(a: str, b: str) -> float:
    """Great-circle distance between two provinces' capitals, in kilometres."""
    (la1, lo1), (la2, lo2) = PROVINCES[a], PROVINCES[b]
    p1, p2 = math.radians(la1), math.radians(la2)
    dp, dl = p2 - p1, math.radians(lo2 - lo1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


@cache
def near_provinces(province: str | None, km: float = 800) -> tuple[str, ...]:
    """The other provinces whose capitals are within ``km`` of this one's."""
    if province not in PROVINCES:
        return ()
    return tuple(p for p in PROVINCES if p != province and distance_km(p, province) <= km)
