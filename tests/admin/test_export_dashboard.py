"""CSV export of filtered lists and the dashboard's figures."""
import csv
import io

from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Submission


def rows_of(response) -> list[dict]:
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_export_follows_filters_and_shows_contacts_to_admins_only(client, auth, roads_submission, make_submission):
    make_submission(kind="idea", title="Benches by the stream", address=None)
    auth.login("triager")
    rows = rows_of(client.get("/admin/export.csv"))
    assert {row["Title"] for row in rows} == {"Deep pothole on Mudeung-ro", "Benches by the stream"}
    assert "Contact e-mail" not in rows[0]
    pothole = next(row for row in rows if row["Category"] == "Pothole")
    assert pothole["Department"] == "Roads Division" and pothole["Urgency"] == "P2 high (3 days)"
    assert pothole["Latitude"] == "35.146"
    ideas = rows_of(client.get("/admin/export.csv", query_string={"kind": "idea"}))
    assert [row["Title"] for row in ideas] == ["Benches by the stream"]
    auth.logout()
    auth.login("admin")
    rows = rows_of(client.get("/admin/export.csv", query_string={"department": "roads"}))
    assert [(row["Title"], row["Contact e-mail"]) for row in rows] == [("Deep pothole on Mudeung-ro",
                                                                       "resident@example.org")]


def test_queue_links_to_an_export_of_the_same_filters(client, auth, roads_submission):
    auth.login("triager")
    page = client.get("/admin/queue", query_string={"urgency": "P2", "department": "roads"}).text
    assert "/admin/export.csv?department=roads&amp;urgency=P2" in page


def test_queue_puts_needs_triage_first_then_urgency(app, client, auth, roads_submission, make_submission):
    from gwangju_civic.models import User
    from gwangju_civic.submissions import workflow

    make_submission(title="Waiting for triage")
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@gwangju-civic.example"))
        routed = db.session.get(Submission, roads_submission)
        workflow.move(routed, workflow.Status.ROUTED, admin)
        db.session.commit()
    auth.login("triager")
    page = client.get("/admin/queue").text
    assert page.index("Waiting for triage") < page.index("Deep pothole on Mudeung-ro")


def test_dashboard_counts_response_times_and_agreement(app, client, auth, roads_submission, make_submission):
    make_submission(title="Another one")
    auth.login("triager")
    url = f"/admin/submissions/{roads_submission}"
    client.post(f"{url}/update", data={"update-message": "Looking into it."})
    client.post(f"{url}/status", data={"status": "routed"})
    client.post(f"{url}/status", data={"status": "resolved", "reason": "Fixed."})
    page = client.get("/admin/dashboard").text
    for chart in ("chart-status", "chart-urgency", "chart-department", "chart-backlog", "chart-priority"):
        assert f'id="{chart}"' in page and "<svg" in page
    assert "Roads Division" in page.split('id="response-times"')[1]
    assert "<title>Resolved: 1</title>" in page
    assert "No routing decisions yet." in page


def test_export_neutralises_spreadsheet_formulas(client, auth, make_submission):
    make_submission(title="=HYPERLINK(\"http://evil.example\")", description="-5 degrees and +82 number @home")
    auth.login("admin")
    [row] = rows_of(client.get("/admin/export.csv"))
    assert row["Title"] == "'=HYPERLINK(\"http://evil.example\")"
    assert row["Description"] == "'-5 degrees and +82 number @home"
    assert row["Latitude"] == ""
