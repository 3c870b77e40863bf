"""Machine interfaces for other systems: Open311 GeoReport v2."""
