"""`flask donations scan` runs the review page's detection and masking on a file; `purge-expired` cleans up."""
import json

from tests.donations.conftest import NOISE_CSV
from tests.factories import image_bytes


def test_scan_prints_the_masked_csv(runner, tmp_path):
    path = tmp_path / "readings.csv"
    path.write_bytes(NOISE_CSV)
    result = runner.invoke(args=["donations", "scan", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "readings.csv: csv, 3 rows; masked: coordinate 4, email 1, phone 1"
    assert lines[1] == "measured_at,noise_db,latitude,longitude,note"
    assert lines[2] == "2026-11-01T22:10,68.5,35.146,126.923,창문 열고 측정 [PHONE]"
    assert "010-1234-5678" not in result.output and "jane.doe" not in result.output


def test_scan_json_output_is_one_document(runner, tmp_path):
    path = tmp_path / "readings.csv"
    path.write_bytes(NOISE_CSV)
    result = runner.invoke(args=["donations", "scan", str(path), "--json"])
    document = json.loads(result.output)
    assert document["kind"] == "csv" and document["file"] == "readings.csv"
    assert document["counts"] == {"coordinate": 4, "phone": 1, "email": 1}
    assert document["rows"][1] == ["2026-11-01T23:40", "71.2", "35.146", "126.923", "[EMAIL] 로 연락"]
    assert {"row": 0, "column": "note", "found": ["phone"]} in document["masked"]


def test_scan_reads_json_by_content_whatever_the_extension(runner, tmp_path):
    path = tmp_path / "export.txt"
    path.write_text(json.dumps([{"이름": "홍길동", "위치": {"lat": 35.1460219, "lng": 126.9230121}, "연락처": "010 1234 5678"}],
                               ensure_ascii=False))
    document = json.loads(runner.invoke(args=["donations", "scan", str(path), "--json"]).output)
    assert document["kind"] == "json" and document["columns"] == ["이름", "위치.lat", "위치.lng", "연락처"]
    assert document["rows"] == [["[NAME]", 35.146, 126.923, "[PHONE]"]]


def test_scan_of_an_image_reports_the_metadata_removed(runner, tmp_path):
    path = tmp_path / "pavement.jpg"
    path.write_bytes(image_bytes(gps=True))
    document = json.loads(runner.invoke(args=["donations", "scan", str(path), "--json"]).output)
    assert document == {"file": "pavement.jpg", "kind": "image", "content_type": "image/jpeg", "width": 64,
                        "height": 48, "size_bytes": document["size_bytes"], "removed": ["exif", "gps"],
                        "metadata_kept": []}
    text = runner.invoke(args=["donations", "scan", str(path)]).output
    assert text.strip() == "pavement.jpg: image image/jpeg 64x48, removed: exif, gps; metadata in the kept copy: none"


def test_scan_reports_errors_and_exits_non_zero(runner, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"a,b\n1,2,3\n")
    result = runner.invoke(args=["donations", "scan", str(path)])
    assert result.exit_code == 1 and "Line 2 has 3 values but the header has 2 columns." in result.output
    result = runner.invoke(args=["donations", "scan", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output) == {"file": "broken.csv",
                                         "errors": ["Line 2 has 3 values but the header has 2 columns."]}


def test_scan_can_check_a_campaigns_schema(runner, tmp_path, make_campaign):
    path = tmp_path / "readings.csv"
    path.write_bytes(b"noise_db\n61\n")
    result = runner.invoke(args=["donations", "scan", str(path), "--campaign", str(make_campaign()), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"] == ["Columns missing: measured_at, latitude, longitude."]


def test_purge_with_nothing_pending(runner):
    result = runner.invoke(args=["donations", "purge-expired"])
    assert result.exit_code == 0 and result.output == "0 expired pending upload(s) deleted\n"
