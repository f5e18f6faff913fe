"""Chinese names as a matcher sees them: surname and given name, the forms people are called by
(小明, 老张, 阿强), their sound (pinyin with and without dialect confusions) and look-alike
characters a clerk may have written instead.

Pinyin comes from ``pypinyin``, one character at a time (cached): names are read character by
character, and a surname's reading is fixed where it differs from the common one (单 shan).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 司徒 夏侯 长孙 宇文 轩辕 端木 西门 南宫".split())

SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
"""Single-character surnames, the commonest few hundred (a name starting with one of these and
two or more characters long is read as surname + given name)."""

SURNAME_READINGS = {"单": "shan", "曾": "zeng", "区": "ou", "仇": "qiu", "解": "xie", "朴": "piao",
                    "查": "zha", "盖": "ge", "乐": "yue", "覃": "qin", "尉": "yu", "缪": "miao",
                    "翟": "zhai", "秘": "bi", "万": "wan", "那": "na", "繁": "po", "种": "chong"}

FORMS_OF_ADDRESS = ("小", "老", "阿")
"""Prefixes of the names people are called by: 小明 (given name), 老张 (surname), 阿强."""


def says_one_character(given: str) -> bool:
    """A given name that says one character once its form of address is set aside: 娜, 小娜,
    阿娜 (小雨 against 小玉 agrees on one character, as 雨 against 玉); 建国 and 小建国 say two."""
    core = given[1:] if len(given) >= 2 and given[0] in FORMS_OF_ADDRESS else given
    return len(core) < 2

LOOK_ALIKE = [
    "己已巳", "未末", "日曰", "王玉主", "土士", "人入八", "大太犬", "贝见", "斤斥", "宋宗", "候侯",
    "戊戌戍", "徽微", "辨辩辫", "拨拔", "折拆", "治冶", "刺剌", "季李", "栋拣", "免兔", "鸟乌",
    "母毋", "天夭", "干千于", "开井", "王壬", "杨扬汤", "陈阵", "张涨", "刘浏", "林材",
    "明朋", "红虹", "华哗", "国固", "军车", "建健", "伟传", "俊峻骏", "燕艳", "丽莉", "芳方",
    "兰蓝", "秀绣", "英瑛", "梅海", "菊鞠", "桂佳", "凤风", "玲铃", "萍苹", "霞震", "永水", "坤绅",
    "晓哓", "宇字", "春椿", "荣菜", "清请情", "志忠", "强虽", "斌赋", "彬杉", "亮高", "浩洁",
]
"""Groups of characters that look alike (handwriting, a careless clerk, OCR of a paper list)."""

_LOOK = {c: i for i, group in enumerate(LOOK_ALIKE) for c in group}

# Dialect confusions (模糊音): retroflex/flat initials, n/l, h/f, front/back nasal finals.
_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"), ("r", "l"))
_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"))


@cache
def char_pinyin(char: str) -> str:
    """Toneless pinyin of one character (the character itself when it has none)."""
    return lazy_pinyin(char, style=Style.NORMAL, errors=lambda x: x)[0]


@cache
def fuzzy_syllable(syllable: str) -> str:
    """A syllable with the dialect confusions folded (zhang → zan, ling → nin → lin)."""
    for a, b in _INITIALS:
        if syllable.startswith(a):
            syllable = b + syllable[len(a):]
            break
    for a, b in _FINALS:
        if syllable.endswith(a):
            syllable = syllable[: -len(a)] + b
            break
    return syllable


def syllables(text: str, *, surname: str = "") -> list[str]:
    """Toneless pinyin syllables of a name part (the surname with its fixed reading)."""
    out = [SURNAME_READINGS.get(surname) or char_pinyin(surname)] if surname else []
    return out + [char_pinyin(c) for c in text]


def look_alike(a: str, b: str) -> bool:
    """Whether two different characters are easily mistaken for each other."""
    return a != b and a in _LOOK and _LOOK.get(b) == _LOOK[a]


@dataclass(frozen=True)
class NameForm:
    """One way of writing or calling a person: surname (may be empty) and given name."""

    surname: str
    given: str
    partial: bool = False
    """Only part of the name (a given name alone, a form of address): agrees less surely."""

    @property
    def full(self) -> str:
        return self.surname + self.given

    def sound(self) -> list[str]:
        return list(_sound(self.surname, self.given))

    def fuzzy(self) -> str:
        return _fuzzy(self.surname, self.given)

    def given_fuzzy_syllables(self) -> list[str]:
        return [fuzzy_syllable(char_pinyin(c)) for c in self.given]

    def given_fuzzy(self) -> str:
        return _fuzzy("", self.given)


@cache
def _sound(surname: str, given: str) -> tuple[str, ...]:
    return tuple(syllables(given, surname=surname))


@cache
def _fuzzy(surname: str, given: str) -> str:
    return "".join(fuzzy_syllable(s) for s in _sound(surname, given))


def split_name(name: str) -> NameForm:
    """Surname and given name of a written name ("张建国" → 张 + 建国; "建国" → given only)."""
    name = "".join(name.split())
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return NameForm(name[:2], name[2:])
    if len(name) >= 2 and name[0] in SURNAMES:
        return NameForm(name[0], name[1:])
    return NameForm("", name, partial=True)


def name_forms(name: str | None, aliases: tuple[str, ...] | list[str] = ()) -> list[NameForm]:
    """Every form worth comparing (see :func:`_name_forms`)."""
    return list(_name_forms(name, tuple(aliases)))


@lru_cache(maxsize=200_000)
def _name_forms(name: str | None, aliases: tuple[str, ...]) -> tuple[NameForm, ...]:
    """Every form worth comparing: each name as written, and without a form of address
    (小明 → 明 given; 老张 / 阿张 → surname 张 only, by which people are called)."""
    forms: list[NameForm] = []
    for raw in ([name] if name else []) + list(aliases):
        raw = "".join((raw or "").split())
        if not raw:
            continue
        if len(raw) >= 2 and raw[0] in FORMS_OF_ADDRESS:
            rest = raw[1:]
            if raw[0] in "老阿" and len(rest) == 1 and rest in SURNAMES:
                forms.append(NameForm(rest, "", partial=True))
                if raw[0] == "阿":
                    # 阿盛: called by the surname, or by a given name 盛 (朱盛) as often.
                    forms.append(NameForm("", rest, partial=True))
            elif len(rest) <= 2:
                forms.append(NameForm("", rest, partial=True))
        form = split_name(raw)
        forms.append(form)
        if form.partial and len(raw) in (2, 3) and raw[0] not in FORMS_OF_ADDRESS:
            # A surname written with a wrong or rare character (霄翠青 for 肖翠青) still
            # stands first: read it as surname + given name too.
            forms.append(NameForm(raw[0], raw[1:]))
        elif not form.partial and len(raw) == 2 and raw[0] not in FORMS_OF_ADDRESS:
            # A given name alone whose first character is also a surname (叶薇 of 曾叶薇).
            forms.append(NameForm("", raw, partial=True))
    seen: set[tuple[str, str]] = set()
    unique = []
    for f in forms:
        if (f.surname, f.given) not in seen:
            seen.add((f.surname, f.given))
            unique.append(f)
    return tuple(unique)
