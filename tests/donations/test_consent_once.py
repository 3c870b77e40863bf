"""One preview, one consent, one donation: however many consent requests arrive, and however they race."""
import io
import re
import shutil
import threading

import pytest
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Donation, DonationFile, DonationKind
from tests.factories import image_bytes

RECEIPT_CODE = re.compile(r'id="withdrawal-code">(WD-[A-Z0-9-]+)<')


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Donation)),
                db.session.scalar(select(func.count()).select_from(DonationFile)))


def receipt_code(client) -> str:
    return RECEIPT_CODE.search(client.get("/donate/receipt").text).group(1)


def uploaded(donor, make_campaign, kind: DonationKind) -> str:
    if kind == DonationKind.CSV:
        return donor.token_of(donor.upload(make_campaign()))
    campaign_id = make_campaign(asks=DonationKind.IMAGES, column_schema=None)
    return donor.token_of(donor.client.post(f"/donate/campaigns/{campaign_id}", content_type="multipart/form-data",
                                            data={"description": "Photos of the broken pavement near the market.",
                                                  "images": [(io.BytesIO(image_bytes()), "a.jpg")]}))


def kept_files(donation_folder) -> list[str]:
    return sorted(path.name for path in (donation_folder / "kept").iterdir())


@pytest.mark.parametrize("kind", [DonationKind.CSV, DonationKind.IMAGES])
def test_a_request_that_read_the_preview_before_the_first_consent_finished_adds_no_donation(
        app, donor, make_campaign, donation_folder, tmp_path, kind):
    """The race, replayed step by step: the second request read the preview, then the first one consented."""
    token = uploaded(donor, make_campaign, kind)
    fields = donor.consent_fields(token)
    as_read = tmp_path / "as-read"
    shutil.copytree(donation_folder / "pending" / token, as_read)
    assert donor.consent(token).status_code == 303
    first_code, kept = receipt_code(donor.client), kept_files(donation_folder)

    shutil.copytree(as_read, donation_folder / "pending" / token)  # what the second request had loaded
    with donor.client.session_transaction() as session:  # ...in a browser tab that had not seen the receipt yet
        session["pending_donations"] = [token]
        session.pop("donation_receipt")
    response = donor.client.post(f"/donate/consent/{token}", data={**fields, "agree": "y"})

    assert response.status_code == 303 and response.headers["Location"].endswith("/donate/receipt")
    assert receipt_code(donor.client) == first_code  # the same receipt: the code the donor holds works
    assert counts(app) == (1, 1) and kept_files(donation_folder) == kept  # no second row, no orphaned file
    assert not (donation_folder / "pending" / token).exists()


def test_consenting_again_from_the_same_browser_shows_the_same_receipt(app, donor, make_campaign):
    token = donor.token_of(donor.upload(make_campaign()))
    fields = donor.consent_fields(token)
    assert donor.consent(token).status_code == 303
    code = receipt_code(donor.client)
    again = donor.client.post(f"/donate/consent/{token}", data={**fields, "agree": "y"})  # back button, resubmit
    assert again.status_code == 303 and again.headers["Location"].endswith("/donate/receipt")
    assert receipt_code(donor.client) == code and counts(app)[0] == 1


def test_simultaneous_consent_requests_make_exactly_one_donation(app, donor, make_campaign):
    """Four requests at once from one browser (e.g. a user clicking repeatedly), each in its own app context."""
    token = donor.token_of(donor.upload(make_campaign()))
    fields = {**donor.consent_fields(token), "agree": "y"}
    cookie = donor.client.get_cookie("session").value
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        client.set_cookie("session", cookie)
        client.set_cookie("lang", "en")
    start, results = threading.Barrier(len(clients)), {}

    def consent(number: int) -> None:
        start.wait()
        try:
            results[number] = clients[number].post(f"/donate/consent/{token}", data=fields)
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            results[number] = error

    threads = [threading.Thread(target=consent, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert counts(app) == (1, 1)
    answered = {n: getattr(r, "status_code", r) for n, r in results.items()}
    served = [clients[n] for n, status in answered.items() if status == 303]
    assert served and all(status in (303, 409) for status in answered.values()), answered
    assert len({receipt_code(client) for client in served}) == 1  # every receipt shows the one code


def test_a_second_tab_consenting_after_the_first_is_told_the_upload_was_already_given(app, donor, make_campaign):
    token = donor.token_of(donor.upload(make_campaign()))
    fields = {**donor.consent_fields(token), "agree": "y"}
    other_tab = app.test_client()  # the same browser, with the cookie as it was before the first consent
    other_tab.set_cookie("session", donor.client.get_cookie("session").value)
    other_tab.set_cookie("lang", "en")
    assert donor.consent(token).status_code == 303

    response = other_tab.post(f"/donate/consent/{token}", data=fields)
    assert response.status_code == 409
    assert "This upload was already given" in response.text and "Nothing was kept" not in response.text
    assert counts(app) == (1, 1)
