"""Detects whether a text is Korean, French or English, the three languages residents write in."""
import re

HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LATIN = re.compile(r"[A-Za-zÀ-ÿ]")
WORD = re.compile(r"[a-zà-ÿ']+")
FRENCH_WORDS = frozenset(
    "le la les des du un une est et dans pour avec sur pas que qui au aux ce cette il elle nous vous je "
    "sont depuis très rue près devant notre mon ma mes trop".split()
)
ENGLISH_WORDS = frozenset(
    "the a an is are and in on for with not that this it of to at by from there my our near since very "
    "street road please been has have".split()
)


def detect_language(text: str) -> str:
    """Korean when Hangul makes up a fair share of the letters; else French or English by common words."""
    hangul = len(HANGUL.findall(text))
    latin = len(LATIN.findall(text))
    if hangul and hangul >= 0.2 * (hangul + latin):
        return "ko"
    words = WORD.findall(text.lower())
    french = sum(word in FRENCH_WORDS for word in words) + 2 * len(re.findall(r"[éèêàçùœ]", text.lower()))
    english = sum(word in ENGLISH_WORDS for word in words)
    return "fr" if french > english else "en"
