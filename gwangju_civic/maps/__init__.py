"""The public map, the reports GeoJSON and the dashboard's district figures: pages over the geo ground floor."""
