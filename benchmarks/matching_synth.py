"""Synthetic people for the family-search benchmark: missing-person reports as families write
them, and the same people as a station later records them, with the noise of real work —
homophone and look-alike characters, dialect sounds, a given name without surname, a nickname,
a wrong or estimated age, a person found far from where they were lost, fields left empty.

Everything is drawn from one seeded ``random.Random``, so a run can be repeated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from domain.matching.compare import MatchRecord
from domain.matching.names import LOOK_ALIKE, char_pinyin, fuzzy_syllable
from domain.matching.places import PROVINCES, distance_km

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
            "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武")
MALE_CHARS = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
FEMALE_CHARS = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"
COMMON = SURNAMES + MALE_CHARS + FEMALE_CHARS + "建健见剑坚间简俭国果过郭锅华化花话画明名鸣铭命"
MARKS = ("左脸有黑痣", "右脸有黑痣", "额头有疤痕", "左臂有龙形纹身", "右臂有纹身", "右手缺小指", "左腿跛行",
         "门牙缺失", "左耳有胎记", "背部有烫伤疤痕", "右眼失明", "头顶秃发", "下巴有痣", "脖子有红色胎记",
         "手背有刀疤", "镶金牙", "说话口吃", "驼背", "右手六指", "左眉有疤")
PROVINCE_LIST = list(PROVINCES)
PROVINCE_WEIGHTS = [5 if p in "河南四川山东广东湖南安徽河北江苏湖北广西贵州云南" else 2 for p in PROVINCE_LIST]

_BY_SOUND: dict[str, list[str]] = {}
_BY_FUZZY: dict[str, list[str]] = {}
for _c in dict.fromkeys(COMMON):
    _BY_SOUND.setdefault(char_pinyin(_c), []).append(_c)
    _BY_FUZZY.setdefault(fuzzy_syllable(char_pinyin(_c)), []).append(_c)
_LOOK = {c: g for g in LOOK_ALIKE for c in g}


@dataclass(frozen=True)
class Person:
    """One real person: the truth the noisy records are made from."""

    pid: int
    surname: str
    given: str
    sex: str
    birth_year: int
    height_cm: int
    origin: str
    lost_on: date
    lost_province: str
    marks: tuple[str, ...]
    conditions: frozenset[str]
    nickname: str | None


def person(rng: random.Random, pid: int) -> Person:
    sex = rng.choice(("male", "female"))
    chars = MALE_CHARS if sex == "male" else FEMALE_CHARS
    surname = SURNAMES[min(int(rng.expovariate(1 / 18)), len(SURNAMES) - 1)]
    given = "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.2 else 2))
    born = rng.choice((rng.randint(1935, 1960), rng.randint(1935, 2020), rng.randint(2005, 2020)))
    origin = rng.choices(PROVINCE_LIST, PROVINCE_WEIGHTS)[0]
    lost_on = date(2015, 1, 1) + timedelta(days=rng.randint(0, 3800))
    age = lost_on.year - born
    height = int(rng.gauss(170 if sex == "male" else 158, 6)) if age >= 16 else 80 + age * 6
    conditions = frozenset({"dementia"} if age >= 65 and rng.random() < 0.4 else
                           {"intellectual"} if rng.random() < 0.15 else
                           {"psychiatric"} if rng.random() < 0.1 else set())
    return Person(pid, surname, given, sex, born, height, origin, lost_on,
                  origin if rng.random() < 0.7 else rng.choices(PROVINCE_LIST, PROVINCE_WEIGHTS)[0],
                  tuple(rng.sample(MARKS, rng.choice((0, 0, 1, 1, 2)))), conditions,
                  ("小" + given[-1]) if rng.random() < 0.15 else None)


def report_of(p: Person, rng: random.Random) -> MatchRecord:
    """The family's report: mostly right, a birth year sometimes only approximate."""
    birth = p.birth_year + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0)
    return MatchRecord(
        key=str(p.pid), name=p.surname + p.given, aliases=(p.nickname,) if p.nickname else (),
        sex=p.sex, birth_year=float(birth) if rng.random() < 0.97 else None,
        height_cm=p.height_cm if rng.random() < 0.6 else None, seen_on=p.lost_on,
        seen_province=p.lost_province, origin_province=p.origin,
        marks="，".join(p.marks) or None, conditions=p.conditions)


def _swap(ch: str, rng: random.Random, how: str) -> str:
    pool = {"sound": _BY_SOUND.get(char_pinyin(ch), []), "fuzzy": _BY_FUZZY.get(fuzzy_syllable(char_pinyin(ch)), []),
            "look": list(_LOOK.get(ch, ""))}[how]
    others = [c for c in pool if c != ch]
    return rng.choice(others) if others else rng.choice(COMMON)


def noisy_name(p: Person, rng: random.Random) -> str | None:
    """The name as a station records it from someone who may not say it well."""
    full = p.surname + p.given
    r = rng.random()
    if r < 0.50:
        return full
    if r < 0.62:
        i = rng.randrange(len(full))
        return full[:i] + _swap(full[i], rng, "sound") + full[i + 1:]
    if r < 0.68:
        i = rng.randrange(len(full))
        return full[:i] + _swap(full[i], rng, "look" if full[i] in _LOOK else "sound") + full[i + 1:]
    if r < 0.74:
        i = rng.randrange(len(full))
        return full[:i] + _swap(full[i], rng, "fuzzy") + full[i + 1:]
    if r < 0.82:
        return p.given if len(p.given) >= 2 else "阿" + p.given
    if r < 0.88:
        return p.nickname or ("小" + p.given[-1])
    if r < 0.93:
        i = rng.randrange(1, len(full))
        return full[:i] + rng.choice(COMMON) + full[i + 1:]
    if r < 0.96:
        return "老" + p.surname
    return None


def found_record(p: Person, rng: random.Random, key: str) -> MatchRecord:
    """The same person in care: found days to years later, maybe far away, age estimated."""
    found_on = p.lost_on + timedelta(days=int(rng.expovariate(1 / 150)))
    r = rng.random()
    if r < 0.6:
        province = p.lost_province
    elif r < 0.85:
        near = [q for q in PROVINCE_LIST if q != p.lost_province and distance_km(q, p.lost_province) <= 800]
        province = rng.choice(near or PROVINCE_LIST)
    else:
        province = rng.choice(PROVINCE_LIST)
    estimated = rng.random() < 0.6
    age = found_on.year - p.birth_year
    birth = (found_on.year - max(0, round(age + rng.gauss(0, 4)))) if estimated else p.birth_year
    marks = [m for m in p.marks if rng.random() < 0.7]
    return MatchRecord(
        key=key, name=noisy_name(p, rng), sex=p.sex if rng.random() > 0.01 else ("female" if p.sex == "male" else "male"),
        birth_year=float(birth), birth_spread=5.0 if estimated else 0.0,
        height_cm=p.height_cm + round(rng.gauss(0, 2)) if rng.random() < 0.5 else None,
        seen_on=found_on, seen_province=province,
        origin_province=(p.origin if rng.random() < 0.9 else rng.choice(PROVINCE_LIST)) if rng.random() < 0.5 else None,
        marks="，".join(marks) or None, conditions=p.conditions if rng.random() < 0.7 else frozenset())


def unreported(p: Person) -> Person:
    """A person nobody reported: same shape, not in the reports."""
    return replace(p, pid=-p.pid)
