"""Open311 GeoReport v2 at /open311/v2: discovery, services, filing and following reports, in JSON and XML."""
