"""Realistic report texts for the benchmarks, in the seed corpus's language mix (about 55% ko, 32% en, 14% fr).

Written for the benchmarks (never copied from a data set): a place, a problem and a detail, varied by number.
"""
import re

PLACES_KO = ["금남로 4가 버스정류장", "상무지구 시청 앞 사거리", "봉선동 주민센터 뒤 골목", "첨단지구 쌍암공원 입구",
             "양림동 펭귄마을 근처", "수완지구 호수공원 산책로", "광주역 지하차도", "충장로 우체국 맞은편",
             "운암동 아파트 단지 앞", "풍암저수지 둘레길", "송정역 시장 입구", "월곡동 초등학교 정문 앞"]
PROBLEMS_KO = [
    ("가로등 고장", "가로등이 {days}일째 꺼져 있어서 밤에 너무 어둡습니다. 아이들이 학원에서 돌아오는 길이라 "
                "걱정돼요."),
    ("도로 포트홀", "도로에 큰 구멍이 생겨서 차들이 급하게 피해 가다가 사고가 날 뻔했습니다. 비가 오면 더 커져요."),
    ("쓰레기 무단투기", "누가 폐가구랑 쓰레기 봉투를 {days}일째 버려 두어서 냄새가 심하고 고양이들이 뜯어 놓았어요."),
    ("밤늦은 공사 소음", "밤 11시가 넘어서까지 공사 소음이 계속돼서 잠을 잘 수가 없습니다. 벌써 {days}일째예요."),
    ("지하차도 침수", "비가 조금만 와도 물이 무릎까지 차서 차량이 지나가지 못합니다. 배수구가 막힌 것 같아요."),
    ("유기견 발견", "다리를 다친 개가 {days}일째 돌아다니고 있어요. 아이들이 무서워하니 구조해 주세요."),
    ("불법 주차", "인도 위에 차들이 매일 불법 주차를 해서 유모차와 휠체어가 차도로 다녀야 합니다."),
    ("보도블록 파손", "보도블록이 깨지고 들떠서 어르신이 걸려 넘어지셨습니다. 빨리 보수해 주세요."),
    ("자전거도로 개선 제안", "자전거도로가 중간에 끊겨서 차도로 내려가야 합니다. 연결해 주시면 좋겠습니다."),
]
ENDINGS_KO = ["빠른 조치 부탁드립니다.", "확인 부탁드려요.", "몇 번 민원을 넣었는데 아직 그대로입니다.",
              "사진은 나중에 추가하겠습니다.", "주민들이 모두 불편해하고 있어요."]

PLACES_EN = ["the Geumnam-ro bus stop", "Sangmu district near City Hall", "the alley behind Bongseon community centre",
             "the entrance of Ssangam Park", "Gwangju Station underpass", "the Suwan lake park trail",
             "Chungjang-ro opposite the post office", "the apartment blocks in Unam-dong"]
PROBLEMS_EN = [
    ("Streetlight out", "The streetlight at {place} has been dark for {days} days and the street is pitch black "
                        "at night."),
    ("Pothole on the road", "There is a deep pothole at {place}; cars swerve around it and my tyre was damaged."),
    ("Illegal dumping", "Someone dumped old furniture and bags of rubbish at {place} {days} days ago and it smells."),
    ("Construction noise at night", "Construction near {place} goes on after 11 pm; we have not slept for {days} "
                                    "nights."),
    ("Flooded underpass", "Every time it rains the water at {place} is knee deep and cars cannot get through."),
    ("Injured stray dog", "A stray dog with an injured leg has been wandering around {place} for {days} days."),
    ("Cars parked on the pavement", "Cars park on the pavement at {place} every day, so prams have to use the road."),
    ("Idea: connect the bike lane", "The bike lane near {place} stops suddenly; please connect it to the river path."),
]
ENDINGS_EN = ["Please fix it soon.", "Thank you for looking into it.", "I reported this before but nothing changed.",
              "It is dangerous for children walking to school."]

PLACES_FR = ["l'arrêt de bus de Geumnam-ro", "le carrefour devant la mairie à Sangmu", "la ruelle derrière le "
             "centre de Bongseon", "l'entrée du parc Ssangam", "le passage souterrain de la gare de Gwangju",
             "le sentier du parc du lac de Suwan"]
PROBLEMS_FR = [
    ("Lampadaire en panne", "Le lampadaire près de {place} est éteint depuis {days} jours, la rue est très sombre "
                            "la nuit."),
    ("Nid-de-poule dangereux", "Il y a un gros nid-de-poule devant {place}; les voitures font des écarts."),
    ("Dépôt sauvage", "Quelqu'un a laissé des meubles et des sacs d'ordures près de {place} il y a {days} jours."),
    ("Bruit de chantier la nuit", "Le chantier près de {place} continue après 23 heures depuis {days} nuits."),
    ("Passage inondé", "À chaque pluie, l'eau monte jusqu'aux genoux à {place} et on ne peut plus passer."),
    ("Chien errant blessé", "Un chien errant blessé à la patte traîne autour de {place} depuis {days} jours."),
]
ENDINGS_FR = ["Merci de faire le nécessaire.", "Pouvez-vous intervenir rapidement ?", "C'est dangereux pour les "
              "enfants."]

LANGUAGES = (("ko", 55), ("en", 32), ("fr", 14))
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


def language(number: int) -> str:
    """Deterministic by number, in the corpus's proportions over every 101 reports."""
    position = (number * 37) % 101  # spread the languages rather than running them in blocks
    for name, share in LANGUAGES:
        if position < share:
            return name
        position -= share
    return LANGUAGES[-1][0]


def report_text(number: int) -> tuple[str, str, str]:
    """(language, title, description) of report `number`."""
    lang, days = language(number), 2 + number % 9
    if lang == "ko":
        place = PLACES_KO[number % len(PLACES_KO)]
        title, body = PROBLEMS_KO[(number // 3) % len(PROBLEMS_KO)]
        ending = ENDINGS_KO[(number // 7) % len(ENDINGS_KO)]
        return lang, f"{place} {title}", f"{place} {body.format(days=days)} {ending}"
    places, problems, endings = (PLACES_EN, PROBLEMS_EN, ENDINGS_EN) if lang == "en" else \
        (PLACES_FR, PROBLEMS_FR, ENDINGS_FR)
    title, body = problems[(number // 3) % len(problems)]
    place = places[number % len(places)]
    return lang, title, f"{body.format(place=place, days=days)} {endings[(number // 7) % len(endings)]}"


def script_mix(texts: list[str]) -> str:
    """How many texts are Hangul-only, Latin-only or mixed: what decides whether the router runs MiniLM."""
    hangul = sum(1 for text in texts if _HANGUL.search(text) and not _LATIN.search(text))
    latin = sum(1 for text in texts if _LATIN.search(text) and not _HANGUL.search(text))
    return f"{hangul} Hangul-only, {latin} Latin-only, {len(texts) - hangul - latin} mixed"


def describe_mix(count: int) -> str:
    """The language mix of reports 0..count-1, for the benchmark's output."""
    languages = [language(number) for number in range(count)]
    shares = ", ".join(f"{name} {languages.count(name)} ({languages.count(name) / count:.0%})"
                       for name, _ in LANGUAGES)
    texts = [" ".join(report_text(number)[1:]) for number in range(count)]
    return f"{count} reports: {shares}; {script_mix(texts)}"
