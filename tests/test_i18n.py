"""Korean by default, English and French on request, and the choice sticks."""
import pytest

from gwangju_civic.submissions.language import detect_language


def test_home_is_korean_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="ko">' in page.text
    assert "신고" in page.text


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Tell the city what needs fixing"), ("fr", "Signaler"), ("ko", "접수번호")],
)
def test_language_switch_sticks_across_pages(client, language, expected):
    switched = client.get(f"/lang/{language}", query_string={"next": "/track"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/track"
    for url in ("/", "/report", "/track", "/submissions"):
        page = client.get(url)
        assert f'<html lang="{language}">' in page.text
    assert expected in client.get("/").text + client.get("/report").text + client.get("/track").text


def test_form_errors_are_translated(client):
    client.get("/lang/fr")
    page = client.post("/report", data={"kind": "problem", "title": "", "description": ""})
    assert page.status_code == 400
    assert "Donnez un titre court à votre signalement." in page.text
    assert 'lang="fr"' in page.text


def test_unknown_language_is_404_and_offsite_next_is_ignored(client):
    assert client.get("/lang/de").status_code == 404
    response = client.get("/lang/en", query_string={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("가로등이 꺼져서 밤길이 위험합니다", "ko"),
        ("The streetlight on my street has been out for a week", "en"),
        ("Le lampadaire de ma rue est éteint depuis une semaine", "fr"),
        ("Sangmu-ro 앞 도로에 포트홀이 생겼어요", "ko"),
    ],
)
def test_detects_the_language_residents_write_in(text, language):
    assert detect_language(text) == language
