"""People's names, where the context says it is a name: a label, an honorific, a job or role word, a
self-introduction, a phone number after it, or a common given name before a particle."""
import re

from gwangju_civic.privacy.found import PLACEHOLDERS

# Common Korean surnames of one syllable, and those of two; a full name is the surname and one or two syllables.
SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구민류나진지엄채원천방"
    "공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예봉사부"
)
TWO_SYLLABLE_SURNAMES = ("남궁", "황보", "제갈", "사공", "선우", "서문", "독고", "동방")
KOREAN_FULL_NAME = rf"(?:{'|'.join(TWO_SYLLABLE_SURNAMES)})[가-힣]{{1,2}}|[{SURNAMES}][가-힣]{{1,2}}"
# Words that start like a name but are not one (a surname syllable, then one or two more); a candidate is also
# refused when its first two or its last two syllables are one of these (부서로, 하선생, 노부모, 김교수).
NOT_NAMES = frozenset(
    """구청장 이사장 부시장 사무장 조합장 선생 고객 사장 부장 차장 기사 주민 박사 원장 소장 국장 반장 위원 선배
    전문가 관리인 경비원 여사 이웃 주무관 공무원 담당자 관리자 위원장 연락처 부서 공원 구청 시청 주변 정말 이번
    조금 임차인 임대인 조합원 상인 운전자 배달원 부모 어머 아버 기사분 경찰 경찰관 소방관 직원 주인 집주인 세입자
    안전 전화 문의 전체 성함 본인 모름 미상 익명 비공개 관리실 관리소 통장 이장 동장 회장 총무 간사 대표 기관
    공사 공단 공공 도로 정부 정책 정비 조사 조치 민원 민원인 신고 신고자 작성자 보호자 제보자 남편 아내 아들
    손자 손녀 할머니 할아버지 어르신 아주머니 아저씨 학부모 학생 선생님 기사님 사장님 고객님 주민분 이분 그분
    저분 명의 지자체 주치의 선교사 부원장 부회장 부사장 부대표 한가지 사람 사전 교수 후보 의원 차관 장관 대통령
    감독 기자 작가 변호 부담 부재 노출 소방 여직원 사령관 지휘관 간부 수석 판사 검사 총장 장애 장애인
    군수 시장 사무관""".split()
)
# After a name these end it: particles, the copula, honorifics; in a labelled name they are kept as written.
NAME_ENDINGS = (
    "입니다|이에요|예요|이고요|이고|이며|인데요|인데|이라고|라고|이랑|랑|씨가|씨는|씨|님이|님은|님께|님|"
    "께서|에게|한테|이가|이는|이를|의|이|가|은|는|을|를|과|와"
)
# Particles that may follow 씨/님 or a job title; 씨알, 주무관청 and 대리시장 are other words.
AFTER_HONORIFIC = r"(?=$|[^가-힣]|[이가은는을를의와과께도만랑댁네들에])"
# A job title after a name says it is a person (김철수 주무관).
TITLES = "주무관|팀장|과장|계장|주임|실장|대리|차장|부장|반장|기사님|선생님|교수|변호사|간호사"
# A kinship or role word after a name does too (박민수 아저씨가, 최순자 할머니께서), but such words also follow
# places (부동산 사장님, 우체국 아저씨), so there the given name must be made of common given-name syllables.
ROLES = (
    "아저씨|아주머니|아주머님|아줌마|할머니|할아버지|어르신|선생님|선생|사장님|사모님|원장님|소장님|학생|이모|삼촌"
    "|여사님|군|양"
)
# Most given names are two of a few dozen syllables. Before a role word these suffice; 자 ends names (순자) but
# also words for people (이용자, 배우자), so it counts there only.
GIVEN_FIRST_SYLLABLES = frozenset(
    "가건경광규기길나다대도동명미민병보봉상서석선성세소수순슬승시아연영예옥용우유윤은이인재정종주준지진찬창"
    "채철태하한해현형혜효희"
)
GIVEN_LAST_SYLLABLES = frozenset(
    "결경국근길나남동람래름린만미민빈서석선성솔수숙순식아연열영옥완우욱원윤율은인일재정주준지진찬철태택하한혁"
    "현혜호화환후훈희"
)
ROLE_LAST_SYLLABLES = GIVEN_LAST_SYLLABLES | {"자"}
# Before a bare particle the last syllable must also not be a common noun or verb ending: 하/해/서/나 (이용하는,
# 위해서는, 고지서가, 차이나는), 성/화/율/식/선 (공정성을, 정상화를, 지지율이, 추도식을, 기준선을), 인/원/자/주 for
# people and places (고소인이, 국정원이, 소유주가), 지/일/미 (강아지가, 예정일이, 도우미를), nor the particle 만.
LAST_SYLLABLES_BEFORE_PARTICLE = GIVEN_LAST_SYLLABLES - frozenset("하해서나성화율식선인원자주지일미만한")
# Surnames that are also prefixes (제 "my", 현 "current"): 제이름을, 현상태는.
SURNAMES_LIKE_PREFIXES = frozenset("제현")
# Common words shaped like such a name; particles after them are ordinary (하소연을, 지하철이, 이재민이).
WORDS_LIKE_NAMES = frozenset(
    "하소연 지하철 노하우 선순환 조경수 신호수 방지턱 전기차 이재민 소시민 길이길 위아래 배수진 기형아 이경우 지하수"
    " 신도수 유아수 원아수 임용수 한가정 소수자 표지석 신소재 이혜택".split()
)
# A full name right before a phone number (masked before names are looked for): 홍길동 010-1234-5678.
NAME_BEFORE_PHONE = re.compile(rf"(?<![가-힣\w])({KOREAN_FULL_NAME})(?=\s*[:(/]?\s*{re.escape(PLACEHOLDERS['phone'])})")
# A full name right before a subject, topic or object particle that fits its last syllable (김철수가, 홍길동이):
# 가/는/를 follow a vowel, 이/은/을 a consonant.
PARTICLE_NAME = re.compile(
    rf"(?<![가-힣\w])({KOREAN_FULL_NAME})(?=(?P<particle>가|이|는|은|를|을|에게|한테)(?![가-힣]))"
)
# Names do not end like department names (도로과, 정비팀, 구청), job titles (부원장, 선교사) or sides (우리측).
NOT_NAME_LAST_SYLLABLES = frozenset("과팀청실국처단소부센터장사측회대직")
# Without a colon after the label, a word ending in a particle (담당 기자를) is not a name; before a job title
# neither is a modifier (유능한 변호사, 선임된 변호사) or a place (서초동 변호사).
PARTICLE_LAST_SYLLABLES = frozenset("에를을도로의는가만게히고며면와다요이")
NOT_BEFORE_TITLE_LAST_SYLLABLES = PARTICLE_LAST_SYLLABLES | frozenset("은한된됨어서던제라동")
# 글씨, 날씨, 솜씨, 말씨, 마음씨, 아가씨: 씨 glued to these is part of the word.
WORDS_IN_SSI = frozenset("글날솜말맵음가")

HONORIFIC_NAME = re.compile(
    rf"(?<![가-힣])({KOREAN_FULL_NAME})"
    rf"(?:(?P<glued>(?=(?:씨|님){AFTER_HONORIFIC}))|(?=\s(?:씨|님){AFTER_HONORIFIC})"
    rf"|(?P<titled>(?=\s(?:{TITLES})님?{AFTER_HONORIFIC}))|(?P<role>(?=\s(?:{ROLES}){AFTER_HONORIFIC})))"
)
KOREAN_LABELS = r"이름|성명|성함|작성자|신고자|제보자|민원인|신청인|신청자|대표자|보호자|담당자|담당|연락\s?담당"
# "이름: 홍길동", "신고자 남궁민수입니다", "제 이름은 김민수예요", "저는 박영희입니다".
LABELLED_KOREAN_NAME = re.compile(
    rf"(?<![가-힣])((?:{KOREAN_LABELS})(?:\s*[:：]\s*|\s+)|(?:이름|성함)(?:은|는|이)\s+)"
    rf"({KOREAN_FULL_NAME})(?=(?:{NAME_ENDINGS})?(?![가-힣]))"
    rf"|(?<![가-힣])(저는\s+)({KOREAN_FULL_NAME})(?=입니다(?![가-힣]))"
)
# A capitalised word, with O'Brien, D'Artagnan and Anderson-Cason shapes; "Lyall's" keeps its "'s".
LATIN_WORD = r"(?:[A-ZÀ-Ý]['’])?[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?"
LATIN_NAME = rf"{LATIN_WORD}(?: (?:{LATIN_WORD}|[A-ZÀ-Ý]\.))*"
LABELLED_LATIN_NAME = re.compile(
    rf"((?i:\b(?:full\s)?name|\bmy name is|\bmy name['’]s|\b(?:reported|submitted|filed) by|\bsigned"
    rf"|\bnom(?: et prénom| complet)?|\bprénom|\bje m['’]appelle|\bsigné)(?:\s*[:：]\s*|\s+))({LATIN_NAME})"
)
# English and French titles; "Madame la Maire" is an office, not a person, so a capital must follow.
TITLED_NAME = re.compile(
    r"\b((?:Mr|Mrs|Ms|Miss|Dr|Prof|Mme|Mlle|Monsieur|Madame|Mademoiselle)\.?\s+|M\.\s?)"
    rf"{LATIN_WORD}(?:[ ]{LATIN_WORD})?"
)


def _plausible(name: str, shortest: int = 3, not_last: frozenset[str] = frozenset()) -> bool:
    """Long enough for the context, and not a common word that starts like a name."""
    return (
        shortest <= len(name) <= 4
        and not {name, name[:2], name[-2:]} & NOT_NAMES
        and name[-1] not in NOT_NAME_LAST_SYLLABLES | not_last
        and not (len(name) == 4 and name[:2] not in TWO_SYLLABLE_SURNAMES)
    )


def _common_given_name(name: str, last: frozenset[str] = GIVEN_LAST_SYLLABLES) -> bool:
    """A full name (surname and two syllables) whose given name is made of common given-name syllables."""
    surname = 2 if name[:2] in TWO_SYLLABLE_SURNAMES else 1
    given = name[surname:]
    return len(given) == 2 and given[0] in GIVEN_FIRST_SYLLABLES and given[1] in last


def _has_final_consonant(syllable: str) -> bool:
    return (ord(syllable) - 0xAC00) % 28 != 0


def _fits_particle(name: str, particle: str) -> bool:
    """이/은/을 after a final consonant, 가/는/를 after a vowel; 에게 and 한테 after either."""
    if particle in ("이", "은", "을"):
        return _has_final_consonant(name[-1])
    if particle in ("가", "는", "를"):
        return not _has_final_consonant(name[-1])
    return True


def mask_names(text: str, found: list[str]) -> str:
    """Mask names in context: labelled, titled, before 씨/님, a job title or a role word, or common names before
    a particle."""

    def labelled_korean(match: re.Match[str]) -> str:
        label, name = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        after_colon = ":" in label or "：" in label
        if not _plausible(name, 2 if after_colon else 3, frozenset() if after_colon else PARTICLE_LAST_SYLLABLES):
            return match.group(0)
        found.append("name")
        return label + PLACEHOLDERS["name"]

    def labelled(match: re.Match[str]) -> str:
        found.append("name")
        return match.group(1) + PLACEHOLDERS["name"]

    def honorific(match: re.Match[str]) -> str:
        name = match.group(1)
        if match.group("titled") is not None:
            plausible = _plausible(name, not_last=NOT_BEFORE_TITLE_LAST_SYLLABLES)
        elif match.group("role") is not None:
            plausible = (
                name not in WORDS_LIKE_NAMES and _plausible(name, not_last=NOT_BEFORE_TITLE_LAST_SYLLABLES)
                and _common_given_name(name, ROLE_LAST_SYLLABLES)
            )
        else:
            plausible = _plausible(name) and not (match.group("glued") is not None and name[-1] in WORDS_IN_SSI)
        if not plausible:
            return match.group(0)
        found.append("name")
        return PLACEHOLDERS["name"]

    def before_phone(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in WORDS_LIKE_NAMES or not (_plausible(name) and _common_given_name(name, ROLE_LAST_SYLLABLES)):
            return match.group(0)
        found.append("name")
        return PLACEHOLDERS["name"]

    def before_particle(match: re.Match[str]) -> str:
        name = match.group(1)
        if (
            name in WORDS_LIKE_NAMES or name[0] in SURNAMES_LIKE_PREFIXES or not _plausible(name)
            or not _common_given_name(name, LAST_SYLLABLES_BEFORE_PARTICLE)
            or not _fits_particle(name, match.group("particle"))
        ):
            return match.group(0)
        found.append("name")
        return PLACEHOLDERS["name"]

    text = LABELLED_KOREAN_NAME.sub(labelled_korean, text)
    text = LABELLED_LATIN_NAME.sub(labelled, text)
    text = TITLED_NAME.sub(labelled, text)
    text = HONORIFIC_NAME.sub(honorific, text)
    text = NAME_BEFORE_PHONE.sub(before_phone, text)
    return PARTICLE_NAME.sub(before_particle, text)
