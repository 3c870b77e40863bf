"""Discovery, services and service definitions in JSON and XML, as GeoReport v2 and its discovery page say."""
from gwangju_civic.extensions import db
from gwangju_civic.models import Category
from tests.open311.conftest import as_json, as_xml, children

REQUEST_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


def test_discovery_in_both_formats(client):
    document = as_json(client.get("/open311/v2/discovery.json"))
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["changeset"] == document["changeset"] and document["changeset"].endswith("+09:00")
    root = as_xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery" and children(root) == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint_xml] = root.find("endpoints")
    assert endpoint_xml.tag == "endpoint"
    assert children(endpoint_xml) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.tag for f in endpoint_xml.find("formats")] == ["format", "format"]
    assert [f.text for f in endpoint_xml.find("formats")] == ["text/xml", "application/json"]


def test_services_one_per_category_plus_other_in_the_requested_language(app, client):
    with app.app_context():
        count = db.session.query(Category).count()
        pothole = db.session.query(Category).filter_by(code="pothole").one()
        names = {locale: pothole.name(locale) for locale in ("ko", "fr")}
        department_ko = pothole.department.name("ko")
    services = as_json(client.get("/open311/v2/services.json?locale=ko"))
    assert isinstance(services, list) and len(services) == count + 1
    by_code = {service["service_code"]: service for service in services}
    assert by_code["pothole"]["service_name"] == names["ko"] and by_code["pothole"]["group"] == department_ko
    assert by_code["pothole"]["metadata"] is True and by_code["pothole"]["type"] == "realtime"
    assert "other" in by_code and list(by_code["pothole"]) == REQUEST_FIELDS
    root = as_xml(client.get("/open311/v2/services.xml?locale=fr"))
    assert root.tag == "services" and len(root) == count + 1
    first = root[0]
    assert first.tag == "service" and children(first) == REQUEST_FIELDS
    pothole_xml = next(s for s in root if s.findtext("service_code") == "pothole")
    assert pothole_xml.findtext("service_name") == names["fr"]
    assert pothole_xml.findtext("metadata") == "true" and pothole_xml.findtext("type") == "realtime"


def test_service_definition_has_the_kind_attribute_and_unknown_codes_are_404(client):
    definition = as_json(client.get("/open311/v2/services/pothole.json"))
    assert definition["service_code"] == "pothole"
    [kind] = definition["attributes"]
    assert (kind["code"], kind["datatype"], kind["variable"], kind["order"]) == ("kind", "singlevaluelist", True, 1)
    assert [value["key"] for value in kind["values"]] == ["problem", "idea"]
    root = as_xml(client.get("/open311/v2/services/pothole.xml"))
    assert root.tag == "service_definition" and children(root) == ["service_code", "attributes"]
    [attribute] = root.find("attributes")
    assert attribute.tag == "attribute"
    assert children(attribute) == ["variable", "code", "datatype", "required", "datatype_description", "order",
                                   "description", "values"]
    assert attribute.findtext("variable") == "true" and attribute.findtext("required") == "false"
    assert [(v.findtext("key"), v.tag) for v in attribute.find("values")] == [("problem", "value"), ("idea", "value")]
    for fmt in ("json", "xml"):
        missing = client.get(f"/open311/v2/services/no_such_service.{fmt}")
        assert missing.status_code == 404
    assert as_json(client.get("/open311/v2/services/no_such_service.json"))[0]["code"] == 404
    errors = as_xml(client.get("/open311/v2/services/no_such_service.xml"))
    assert errors.tag == "errors" and children(errors[0]) == ["code", "description"]
    assert errors[0].findtext("code") == "404"


def test_unknown_resources_and_formats_answer_in_the_error_format(client):
    response = client.get("/open311/v2/services.csv")
    assert response.status_code == 404 and as_json(response)[0]["code"] == 404
    assert as_xml(client.get("/open311/v2/nothing.xml")).tag == "errors"
