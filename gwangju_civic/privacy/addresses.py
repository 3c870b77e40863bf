"""Addresses: the building, lot or flat number goes; the city, district and road stay, so a place is still known.

광주광역시 북구 용봉로 77 → 광주광역시 북구 용봉로 ***; 용봉동 123-4번지 → 용봉동 ***번지; 107동 1203호 → ***동 ***호.
"""
import re

from gwangju_civic.privacy.found import HIDDEN_NUMBER, PLACEHOLDERS

# What may follow a building number: the end, punctuation, a space, or a particle or place word glued to it.
# Units (m, km, 분, 개, 번 for bus lines, 가 for 금남로 4가) may not: those numbers are not addresses.
AFTER_NUMBER = (
    r"(?=$|[\s;:!?)\]/]|[.,](?!\d)|번지|에서|에|앞|옆|뒤|근처|쪽|일대|인근|부근|건너편|맞은편|주변|의|은|는|을|를"
    r"|이(?![가-힣])|호(?!선))"
)
# A building or lot number, or a range of them (대장동 387~388).
NUMBER = r"\d{1,4}(?:-\d{1,4})?(?:~\d{1,4}(?:-\d{1,4})?)?"
ROAD = re.compile(
    r"(?<![가-힣\w])(?P<road>[가-힣][가-힣0-9]*(?:대로|로|길)(?:\s?\d+번?[가-라]?길)?)"
    rf"(?P<space>\s?)(?P<number>{NUMBER}){AFTER_NUMBER}"
)
# Words ending in 로/길 that are not road names: lanes, paths, particles ("버스로", "집으로"), adverbs ("그대로").
NOT_ROAD_ENDINGS = (
    "으로", "도로", "차로", "통로", "경로", "산책로", "진입로", "통학로", "보행로", "샛길", "뒷길", "골목길",
    "오르막길", "내리막길", "그대로", "이대로", "저대로", "제대로", "멋대로", "맘대로", "마음대로", "상대로", "반대로",
    "기대로", "최대로",
)
# Lot numbers (지번): a neighbourhood (용봉동, 문흥1동) or a numbered street section (충장로2가), then the lot.
LOT = re.compile(
    rf"(?<![가-힣\w])(?P<road>[가-힣]{{1,6}}\d*동|[가-힣]{{1,6}}\d+가)(?P<space>\s?)(?P<number>{NUMBER}){AFTER_NUMBER}"
)
NOT_DONG = tuple(
    "행동 활동 이동 운동 자동 작동 가동 노동 소동 충동 출동 변동 공동 진동 감동 난동 구동 연동 발동 파동 기동 아동 "
    "합동 협동 수동 역동 폭동 거동 언동 요동 고동 태동 선동".split()
)
# A city, province, district or neighbourhood (the word before a road in 로); common words ending the same way
# (다시, 당시, 연구, 입구, 친구) are not.
DISTRICT = re.compile(
    r"[가-힣]{1,5}(?:특별시|광역시|특별자치시|특별자치도|[남북]도|경기도|강원도|제주도|시|구|군|\d*동)"
    r"|광주|서울|부산|대구|인천|대전|울산|세종|제주"
)
NOT_DISTRICTS = frozenset(
    """다시 혹시 반드시 역시 당시 동시 수시 잠시 즉시 항시 무시 감시 지시 제시 표시 게시 실시 개시 교시 정시 평시
    연구 요구 입구 출구 항구 도구 가구 친구 기구 욕구 추구 강구 통구 비상구 장군 대군 아군 적군""".split()
) | frozenset(NOT_DONG)
FLAT = re.compile(r"(?<![\d\w])\d{1,4}(?P<space1>\s?)동(?P<space2>\s?)\d{1,4}\s?호(?!선)")
ROMANIZED_ROAD = re.compile(
    r"\b(?P<road>[A-Z][a-z]+(?:-[a-z]+)*-(?:ro|gil|daero)(?:\s?\d+(?:beon)?-?gil)?),?\s(?P<number>\d{1,4}(?:-\d{1,4})?)\b(?!-ga\b)"
    r"|\b(?P<first>\d{1,4}(?:-\d{1,4})?)(?=,?\s[A-Z][a-z]+(?:-[a-z]+)*-(?:ro|gil|daero)\b)"
)
# "12 rue de la Paix", "5 Main Street": the number comes first.
STREET_FIRST = re.compile(
    r"\b\d{1,5}(?:\s?(?:bis|ter))?(?=,?\s(?:"
    r"(?i:rue|avenue|av\.|boulevard|bd|chemin|allée|impasse|quai)\s(?:d[eu]s?\s|d['’]|la\s|l['’]|[A-ZÀ-Ý])"
    r"|(?:[A-Z][a-z]+\s){1,2}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Way)\b))"
)


def _road_number(match: re.Match[str], found: list[str]) -> str:
    """Keep the road or neighbourhood, hide its number; words that only look like one keep theirs."""
    road = match.group("road")
    if len(road) < 2 or road.endswith(NOT_ROAD_ENDINGS) or road.endswith(NOT_DONG):
        return match.group(0)
    found.append("address")
    return road + match.group("space") + HIDDEN_NUMBER


def _named_road_number(match: re.Match[str], found: list[str]) -> str:
    """A road in 로 is only taken for one after a city or district (광주 북구 용봉로 77): otherwise it is as likely
    the particle 로 (식비로 384,000원, 바로 112 신고); roads in 대로 and 길 are told apart by their name alone."""
    road = match.group("road")
    if road.endswith("로") and not road.endswith("대로"):
        before = match.string[max(0, match.start() - 30): match.start()].split()
        if not any(DISTRICT.fullmatch(word) and word not in NOT_DISTRICTS for word in before[-2:]):
            return match.group(0)
    return _road_number(match, found)


def mask_addresses(text: str, found: list[str]) -> str:
    """Hide building, lot and flat numbers in Korean, romanised, English and French addresses."""

    def flat(match: re.Match[str]) -> str:
        found.append("address")
        return f"{HIDDEN_NUMBER}{match.group('space1')}동{match.group('space2')}{HIDDEN_NUMBER}호"

    def romanized(match: re.Match[str]) -> str:
        found.append("address")
        if match.group("first"):
            return HIDDEN_NUMBER
        return match.group(0)[: match.start("number") - match.start()] + HIDDEN_NUMBER

    def street_first(match: re.Match[str]) -> str:
        found.append("address")
        return HIDDEN_NUMBER

    text = FLAT.sub(flat, text)
    text = ROAD.sub(lambda match: _named_road_number(match, found), text)
    text = LOT.sub(lambda match: _road_number(match, found), text)
    text = ROMANIZED_ROAD.sub(romanized, text)
    return STREET_FIRST.sub(street_first, text)


ADMIN_UNIT = re.compile(rf"{DISTRICT.pattern}|[가-힣]+(?:읍|면|\d+가|로|길)|[A-Z][a-z]+(?:-(?:gu|si|gun|dong|ro|gil))?")


def generalise_address(text: str) -> tuple[str, list[str]]:
    """A whole value known to be an address (its column says so): keep the administrative part, hide the rest."""
    found: list[str] = []
    masked = mask_addresses(text, found)
    if found:
        return masked, found
    words = text.split()
    kept = []
    for word in words:
        if not ADMIN_UNIT.fullmatch(word):
            break
        kept.append(word)
    if not kept:
        return PLACEHOLDERS["address"], ["address"]
    if len(kept) == len(words):
        return text, []
    return " ".join([*kept, HIDDEN_NUMBER]), ["address"]
