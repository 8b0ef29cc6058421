"""Duplicate matching for the organisation registry, as a table of cases."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from portal.services.organisation_matching import exact_key, loose_tokens, score


def org(name_en, name_zh="", pinyin=""):
    return SimpleNamespace(
        name_en=name_en,
        name_zh=name_zh,
        pinyin=pinyin,
        match_en=exact_key(name_en),
        match_zh=exact_key(name_zh),
        match_pinyin=exact_key(pinyin),
    )


SPORTS = org("Beijing Municipal Bureau of Sports", "北京市体育局", "Běijīng Shì Tǐyù Jú")
ZPARK = org(
    "Administrative Committee of Zhongguancun Science Park",
    "中关村科技园区管理委员会",
    "Zhōngguāncūn Kējì Yuánqū Guǎnlǐ Wěiyuánhuì",
)
FAO = org(
    "Foreign Affairs Office of the People's Government of Beijing Municipality",
    "北京市人民政府外事办公室",
    "Běijīng Shì Rénmín Zhèngfǔ Wàishì Bàngōngshì",
)


@pytest.mark.parametrize(
    "typed,candidate,at_least",
    [
        # exact, whatever the case, spaces and punctuation
        ({"name_en": "beijing municipal bureau of sports."}, SPORTS, 1.0),
        ({"name_en": "BEIJING MUNICIPAL BUREAU OF SPORTS"}, SPORTS, 1.0),
        ({"name_en": "x", "name_zh": "北京市 体育局"}, SPORTS, 1.0),
        # pinyin with or without tone marks and spaces
        ({"name_en": "x", "pinyin": "Beijing Shi Tiyu Ju"}, SPORTS, 1.0),
        ({"name_en": "beijingshitiyuju"}, SPORTS, 1.0),
        # common words and word order ignored
        ({"name_en": "Beijing Sports Bureau"}, SPORTS, 0.9),
        ({"name_en": "Beijing Sport"}, SPORTS, 0.9),
        ({"name_en": "Beijing Foreign Affairs Office"}, FAO, 0.9),
        ({"name_en": "Zhongguancun Science Park"}, ZPARK, 0.6),
        ({"name_en": "Zhongguancun"}, ZPARK, 0.5),
        # Chinese without the common affixes
        ({"name_en": "x", "name_zh": "北京体育局"}, SPORTS, 0.9),
        ({"name_en": "x", "name_zh": "中关村科技园区"}, ZPARK, 0.7),
    ],
)
def test_likely_duplicates_are_recognised(typed, candidate, at_least):
    full = {"name_en": "", "name_zh": "", "pinyin": "", **typed}
    assert score(candidate, **full) >= at_least


@pytest.mark.parametrize(
    "typed,candidate",
    [
        ({"name_en": "Shanghai Municipal Bureau of Sports"}, SPORTS),
        ({"name_en": "Beijing Municipal Commission of Education"}, SPORTS),
        ({"name_en": "Tsinghua University", "name_zh": "清华大学"}, ZPARK),
        ({"name_en": "x", "name_zh": "上海市体育局"}, SPORTS),
    ],
)
def test_different_organisations_are_not_offered(typed, candidate):
    full = {"name_en": "", "name_zh": "", "pinyin": "", **typed}
    assert score(candidate, **full) < 0.5


def test_exact_key_keeps_chinese_and_folds_the_rest():
    assert exact_key("Běijīng Shì") == "beijingshi"
    assert exact_key(" 北京市，体育局 ") == "北京市体育局"
    assert exact_key("Helsinki & Beijing Co., Ltd.") == "helsinkiandbeijingcoltd"


def test_loose_tokens_drop_the_common_words():
    assert loose_tokens("Beijing Municipal Bureau of Sports") == {"beijing", "sport"}
    assert loose_tokens("Huawei Technologies Co., Ltd.") == {"huawei", "technologie"}
