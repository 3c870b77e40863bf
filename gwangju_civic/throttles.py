"""Throttles on guessable codes: each attempt is counted before the code is looked up."""
from flask import current_app

from gwangju_civic.extensions import limiter

# One budget per address for every page that answers whether a tracking code exists.
tracking_code_lookup = limiter.shared_limit(lambda: current_app.config["TRACKING_THROTTLE"], scope="tracking-code")

# Every withdrawal attempt counts, right or wrong, so simultaneous guesses cannot slip past the limit.
withdrawal_attempt = limiter.limit(lambda: current_app.config["WITHDRAWAL_THROTTLE"], methods=["POST"])
