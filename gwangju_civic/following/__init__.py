"""Who hears about a report: resident and followers by e-mail (double opt-in), "me too", staff alerts, the digest."""
