"""Similarity vectors: the "embed_submissions" job writes them in batches, once, even if a message is lost, and
again when the encoder's version changes; vectors of another version are never compared."""
import numpy as np
from sqlalchemy import delete, select

from gwangju_civic.extensions import db
from gwangju_civic.jobs import kinds, runs
from gwangju_civic.models import JobRun, JobState, Submission, SubmissionEmbedding
from gwangju_civic.routing.similarity import current_similarity, embed_pending, has_unembedded, similarity_vectors

TEXTS = [("가로등 고장", "골목 가로등이 며칠째 꺼져 있어요."), ("도로 파임", "사거리 도로가 움푹 파였어요."),
         ("쓰레기 투기", "공터에 폐가구가 버려져 있어요."), ("소음", "밤마다 노래방 소리가 커요.")]
LATIN = ("Pothole", "A deep pothole near the bus stop.")


def file_all(make_submission) -> list[str]:
    return [make_submission(title=title, description=description) for title, description in TEXTS]


def embedded(app) -> dict[int, SubmissionEmbedding]:
    with app.app_context():
        rows = db.session.scalars(select(SubmissionEmbedding)).all()
        db.session.expunge_all()
        return {row.submission_id: row for row in rows}


def test_the_job_embeds_every_waiting_submission_in_batches_and_once(app, with_router, make_submission):
    file_all(make_submission)
    with app.app_context():
        job = db.session.scalars(select(JobRun).where(JobRun.kind == "embed_submissions")).one()  # one for all
        version = current_similarity().version
        assert has_unembedded() and embedded(app) == {}
        db.session.add(SubmissionEmbedding(submission_id=1, vector=b"\0" * 8, model_version=version))
        db.session.commit()
        assert embed_pending(batch=2) == len(TEXTS) - 1
        assert not has_unembedded() and embed_pending() == 0  # idempotent
        runs.execute(job.id)
        assert db.session.get_one(JobRun, job.id).state == JobState.DONE
        ids = db.session.scalars(select(Submission.id).order_by(Submission.id)).all()
        texts = [f"{title}\n{description}" for title, description in TEXTS]
        expected, _ = similarity_vectors(texts[1:])
    rows = embedded(app)
    assert sorted(rows) == ids and rows[1].vector == b"\0" * 8  # a current row is never overwritten
    for submission_id, vector in zip(ids[1:], expected, strict=True):
        assert rows[submission_id].model_version == version
        np.testing.assert_allclose(np.frombuffer(rows[submission_id].vector, dtype=np.float32), vector, atol=1e-5)


def test_a_lost_message_is_made_up_by_the_periodic_look_for_pending_work(app, with_router, make_submission):
    file_all(make_submission)
    with app.app_context():
        db.session.execute(delete(JobRun))  # as if the queue lost the message and its row
        db.session.commit()
        assert "embed_submissions" in kinds.submit_pending_work()
        db.session.commit()
        run = db.session.scalars(select(JobRun).where(JobRun.kind == "embed_submissions")).one()
        runs.execute(run.id)
        assert not has_unembedded()
        assert "embed_submissions" not in kinds.submit_pending_work()


def test_without_a_router_the_reports_are_still_embedded(app, make_submission):
    codes = file_all(make_submission)  # no router: routed to triage, still stored, and still embedded
    with app.app_context():
        run = db.session.scalars(select(JobRun).where(JobRun.kind == "embed_submissions")).one()
        runs.execute(run.id)
        assert db.session.get_one(JobRun, run.id).state == JobState.DONE
        assert not has_unembedded() and len(db.session.scalars(select(Submission.tracking_code)).all()) == len(codes)


def test_routing_never_stores_its_own_vector_and_always_queues_the_job(app, with_router, make_submission):
    code = make_submission(title=LATIN[0], description=LATIN[1])
    with app.app_context():
        submission = db.session.scalars(select(Submission).where(Submission.tracking_code == code)).one()
        assert db.session.get(SubmissionEmbedding, submission.id) is None
        assert db.session.scalars(select(JobRun).where(JobRun.kind == "embed_submissions")).first() is not None
        assert has_unembedded()


def test_vectors_of_another_version_are_never_compared_and_are_embedded_again(app, client, auth, with_router,
                                                                             make_submission):
    first = make_submission(title="포트홀 신고", description="봉선동 사거리 도로에 움푹 파인 구멍이 있어요.",
                            latitude=35.1330, longitude=126.9050)
    make_submission(title="도로 파임", description="봉선동 사거리 앞 도로가 파여서 위험합니다.",
                    latitude=35.1331, longitude=126.9051)
    with app.app_context():
        embed_pending()
        ids = db.session.scalars(select(Submission.id).order_by(Submission.id)).all()
        # as after a switch of SIMILARITY_ENCODER: one vector of another encoder, of another dimension
        old = db.session.get_one(SubmissionEmbedding, ids[0])
        old.vector, old.model_version = np.ones(768, dtype=np.float32).tobytes(), "st-old-encoder"
        db.session.execute(delete(JobRun))
        db.session.commit()
    auth.login("triager")
    for submission_id in ids:  # neither page crashes, and the old vector is left out of every list
        page = client.get(f"/admin/submissions/{submission_id}")
        assert page.status_code == 200 and 'class="similar"' not in page.text
    with app.app_context():
        assert has_unembedded() and "embed_submissions" in kinds.submit_pending_work()  # re-embedding queued
        db.session.commit()
        runs.execute(db.session.scalars(select(JobRun).where(JobRun.kind == "embed_submissions")).one().id)
        version = current_similarity().version
        assert {row.model_version for row in db.session.scalars(select(SubmissionEmbedding))} == {version}
    page = client.get(f"/admin/submissions/{ids[1]}").text
    assert first in page.split('class="similar"')[1].split("</ul>")[0]
