"""Every admin route against every kind of visitor: who gets in, who is refused, and how."""
import pytest

ANON, OTHER, OFFICER, TRIAGER, ADMIN = "anonymous", "other_officer", "officer", "triager", "admin"
VISITORS = [ANON, OTHER, OFFICER, TRIAGER, ADMIN]
OK, REDIRECT, SIGN_IN, FORBIDDEN, HIDDEN = 200, 303, 302, 403, 404

# route, method, form data, expected status per visitor (anonymous, other officer, officer, triager, admin)
ROUTES = [
    ("/admin/", "GET", None, [SIGN_IN, 302, 302, 302, 302]),
    ("/admin/queue", "GET", None, [SIGN_IN, OK, OK, OK, OK]),
    ("/admin/dashboard", "GET", None, [SIGN_IN, OK, OK, OK, OK]),
    ("/admin/export.csv", "GET", None, [SIGN_IN, OK, OK, OK, OK]),
    ("/admin/submissions/{id}", "GET", None, [SIGN_IN, HIDDEN, OK, OK, OK]),
    ("/admin/submissions/{id}/status", "POST", {"status": "in_progress"},
     [SIGN_IN, HIDDEN, REDIRECT, REDIRECT, REDIRECT]),
    ("/admin/submissions/{id}/update", "POST", {"update-message": "On it"},
     [SIGN_IN, HIDDEN, REDIRECT, REDIRECT, REDIRECT]),
    ("/admin/submissions/{id}/note", "POST", {"note-message": "Note"}, [SIGN_IN, HIDDEN, REDIRECT, REDIRECT, REDIRECT]),
    ("/admin/submissions/{id}/accept", "POST", {}, [SIGN_IN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT]),
    ("/admin/submissions/{id}/routing", "POST",
     {"category": "pothole", "department": "roads", "plan_priority": "PP17", "urgency": "P1"},
     [SIGN_IN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT]),
    ("/admin/submissions/{id}/assign", "POST", {"officer": "1"}, [SIGN_IN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT]),
    ("/admin/submissions/{id}/duplicate", "POST", {"original": "GJ-2222-2222", "reason": "same"},
     [SIGN_IN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT]),
    ("/admin/router", "GET", None, [SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
    ("/admin/router/retrain", "POST", {}, [SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT]),
    ("/admin/router/activate/none", "POST", {}, [SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT]),
    ("/admin/logout", "POST", {}, [SIGN_IN, REDIRECT, REDIRECT, REDIRECT, REDIRECT]),
]
CASES = [
    pytest.param(url, method, data, visitor, expected[index], id=f"{method} {url} as {visitor}")
    for url, method, data, expected in ROUTES
    for index, visitor in enumerate(VISITORS)
]


@pytest.mark.parametrize(("url", "method", "data", "visitor", "expected"), CASES)
def test_who_gets_in(app, client, auth, roads_submission, url, method, data, visitor, expected, tmp_path):
    app.config["ROUTER_SEED_CORPUS"] = str(tmp_path)  # an empty corpus: a retrain here fails fast
    if visitor != ANON:
        assert auth.login(visitor).status_code == 302
    url = url.format(id=roads_submission)
    response = client.get(url) if method == "GET" else client.post(url, data=data)
    if (job := app.extensions.get("router_retrain")) and job.thread:
        job.thread.join()
    assert response.status_code == expected
    if expected == SIGN_IN and visitor == ANON:
        assert response.headers["Location"].startswith("/admin/login")


def test_officers_see_only_their_department_in_lists_and_exports(client, auth, roads_submission, make_submission):
    make_submission(title="Unrouted report about a bench")
    auth.login(OTHER)
    assert "Deep pothole on Mudeung-ro" not in client.get("/admin/queue").text
    assert "Deep pothole on Mudeung-ro" not in client.get("/admin/export.csv").text
    auth.logout()
    auth.login(OFFICER)
    queue = client.get("/admin/queue").text
    assert "Deep pothole on Mudeung-ro" in queue and "Unrouted report about a bench" not in queue
    auth.logout()
    auth.login(TRIAGER)
    queue = client.get("/admin/queue").text
    assert "Deep pothole on Mudeung-ro" in queue and "Unrouted report about a bench" in queue
