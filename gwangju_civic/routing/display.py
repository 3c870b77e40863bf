"""How the router's numbers are shown to staff; no ML imports, so templates and views can use it."""


def display_percent(probability: float | None) -> str:
    """A probability for staff: never “100%” (or “0%”) unless it is exactly that."""
    if probability is None:
        return "–"
    if probability >= 1.0:
        return "100%"
    if probability >= 0.995:  # would round to 100
        return "> 99%"
    if 0 < probability < 0.005:  # would round to 0
        return "< 1%"
    return f"{round(probability * 100):.0f}%"
