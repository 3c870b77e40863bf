"""Guessing codes is throttled: tracking-code lookups and donation withdrawals, every attempt counted up front."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from gwangju_civic.codes import TRACKING_CODE, WITHDRAWAL_CODE


def test_thirty_tracking_lookups_a_minute_then_429(client):
    """A resident needs a handful a minute; 500 guessed codes at 155 per second must not all be answered."""
    client.set_cookie("lang", "en")
    for _ in range(30):
        assert client.get(f"/track/{TRACKING_CODE.new()}").status_code == 404
    throttled = client.get(f"/track/{TRACKING_CODE.new()}")
    assert throttled.status_code == 429 and "Too many attempts." in throttled.text
    assert throttled.headers["Retry-After"]


@pytest.mark.app_config(TRACKING_THROTTLE="4 per minute")
def test_every_page_that_answers_for_a_tracking_code_shares_one_budget(client, make_submission):
    code = make_submission()
    assert client.get(f"/track?code={code}").status_code == 302
    assert client.get(f"/track/{code}").status_code == 200
    assert client.get(f"/report/received/{code}").status_code == 200
    assert client.post(f"/track/{code}/reopen", data={"reason": "still broken"}).status_code == 400
    for path in (f"/track/{code}", f"/report/received/{code}", f"/track?code={code}"):
        assert client.get(path).status_code == 429, path
    assert client.get("/submissions").status_code == 200  # the public list is not a code lookup


@pytest.mark.app_config(TRACKING_THROTTLE="1 per minute")
def test_a_429_answers_json_to_a_json_client(client):
    client.get(f"/track/{TRACKING_CODE.new()}")
    response = client.get(f"/track/{TRACKING_CODE.new()}", headers={"Accept": "application/json"})
    assert response.status_code == 429 and response.json["error"]["status"] == 429


@pytest.mark.app_config(WITHDRAWAL_THROTTLE="3 per 15 minutes")
def test_simultaneous_withdrawal_guesses_are_each_counted_before_the_code_is_checked(app):
    attempts = 16
    barrier = threading.Barrier(attempts)

    def guess(_: int) -> int:
        browser = app.test_client()
        barrier.wait()
        return browser.post("/donate/withdraw", data={"code": WITHDRAWAL_CODE.new(), "confirm": "y"}).status_code

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = list(pool.map(guess, range(attempts)))
    assert sorted(statuses) == [400] * 3 + [429] * (attempts - 3)
