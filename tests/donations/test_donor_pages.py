"""What donors and staff read around a donation: columns not asked for are left out (never kept) instead of the file
being refused, fully masked columns start unticked, French pages tag the English campaign text, drafts say so."""
import re

from tests.donations.conftest import NOISE_CSV

EXTRA = (
    "measured_at,noise_db,latitude,longitude,note,name\n"
    "2026-11-01T22:10,68.5,35.146,126.923,ok,홍길동\n"
).encode()
ALL_PHONES = (
    b"measured_at,noise_db,latitude,longitude,note\n"
    b"2026-11-01T22:10,68.5,35.146,126.923,010-1234-5678\n"
    b"2026-11-01T23:40,71.2,35.146,126.923,010-9876-5432\n"
)


def review_page(donor, campaign_id: int, data: bytes) -> tuple[str, str]:
    token = donor.token_of(donor.upload(campaign_id, data))
    return token, donor.client.get(f"/donate/review/{token}").text


def test_a_column_the_campaign_does_not_ask_for_is_left_out_not_refused(donor, make_campaign):
    campaign_id = make_campaign()
    token, page = review_page(donor, campaign_id, EXTRA)
    assert "Your file has columns this campaign does not ask for: name." in page
    assert "홍길동" not in page and 'value="name"' not in page  # never shown, never kept
    donor.client.post(f"/donate/review/{token}", data={"keep_row": "0", "keep_column": ["measured_at", "noise_db",
                                                                                        "latitude", "longitude"]})
    assert donor.consent(token).status_code == 303
    assert "홍길동" not in donor.client.get("/donate/receipt").text


def test_a_fully_masked_column_starts_unticked(donor, make_campaign):
    campaign_id = make_campaign()
    _token, page = review_page(donor, campaign_id, ALL_PHONES)
    note = re.search(r'<input type="checkbox" name="keep_column" value="note"[^>]*>', page).group(0)
    assert "checked" not in note
    latitude = re.search(r'<input type="checkbox" name="keep_column" value="latitude"[^>]*>', page)
    assert latitude is None or "checked" in latitude.group(0)  # required columns stay kept
    assert 'id="masked-columns"' in page
    _token, page = review_page(donor, campaign_id, NOISE_CSV)  # partly masked: ticked as before
    assert 'id="masked-columns"' not in page
    assert "checked" in re.search(r'<input type="checkbox" name="keep_column" value="note"[^>]*>', page).group(0)


def test_french_donors_get_the_english_campaign_text_tagged_as_english(client, make_campaign):
    campaign_id = make_campaign()
    client.set_cookie("lang", "fr")
    for path in ("/donate/", f"/donate/campaigns/{campaign_id}"):
        page = client.get(path).text
        assert '<html lang="fr">' in page
        assert re.search(r'<(h1|h2) lang="en">(<a [^>]*>)?Night-time noise readings', page), path
    assert "elle est affichée en anglais" in client.get(f"/donate/campaigns/{campaign_id}").text
    client.set_cookie("lang", "ko")
    assert '<h1 lang="ko">야간 소음 측정' in client.get(f"/donate/campaigns/{campaign_id}").text


def test_staff_are_told_a_draft_is_invisible_to_donors(client, auth, make_campaign):
    from gwangju_civic.models import CampaignStatus

    draft = make_campaign(status=CampaignStatus.DRAFT)
    auth.login("admin")
    assert "donors cannot see it" in client.get(f"/admin/campaigns/{draft}").text
    assert "not shown to donors" in client.get("/admin/campaigns").text
    assert "a draft is invisible to them" in client.get("/admin/campaigns/new").text
    assert "Night-time noise readings" not in client.get("/donate/").text
