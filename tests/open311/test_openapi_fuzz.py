"""The OpenAPI document of the JSON side, fuzzed in-process with schemathesis: never a server error."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.open311.conftest import INSIDE, as_json


def test_the_document_describes_every_json_endpoint(client):
    document = as_json(client.get("/open311/v2/openapi.json"))
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/discovery.json", "/services.json", "/services/{service_code}.json",
                                      "/requests.json", "/requests/{service_request_id}.json",
                                      "/tokens/{token}.json"}


@pytest.mark.app_config(OPEN311_THROTTLE="100000 per minute")
def test_no_server_errors(app, api_key):
    """Each operation gets bounded random cases (derandomized, so the run time stays the same every time)."""
    schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", app)
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=50, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case) -> None:
            if case.method == "POST" and isinstance(case.body, dict) and len(str(case.body)) % 2:
                case.body = {**case.body, "api_key": api_key, **INSIDE}  # half of them reach the filing
            case.call_and_validate(checks=[not_a_server_error])

        fuzz()
        tested.append(operation.label)
    assert len(tested) == 7
