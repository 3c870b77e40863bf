"""Places: Gwangju's five districts, point-in-polygon on the bundled GeoJSON (below submissions; no app imports)."""
