"""Throttles on guessable codes: each attempt is counted before the code is looked up."""
import hashlib

from flask import current_app, request

from gwangju_civic.extensions import limiter

# One budget per address for every page that answers whether a tracking code exists.
tracking_code_lookup = limiter.shared_limit(lambda: current_app.config["TRACKING_THROTTLE"], scope="tracking-code")

# Every withdrawal attempt counts, right or wrong, so simultaneous guesses cannot slip past the limit.
withdrawal_attempt = limiter.limit(lambda: current_app.config["WITHDRAWAL_THROTTLE"], methods=["POST"])


def _followed_address() -> str:
    """The e-mail address a follow request names, hashed: counted wherever the requests come from."""
    return hashlib.sha256((request.form.get("email") or "").strip().lower().encode()).hexdigest()


# Follow requests send a confirmation e-mail: limited per client and per address named, so the form cannot flood
# one mailbox from many clients, nor many mailboxes from one.
follow_request = limiter.limit(lambda: current_app.config["FOLLOW_THROTTLE"], methods=["POST"], scope="follow")
follow_address = limiter.limit(lambda: current_app.config["FOLLOW_ADDRESS_THROTTLE"], methods=["POST"],
                               key_func=_followed_address, scope="follow-address")
support_click = limiter.limit(lambda: current_app.config["SUPPORT_THROTTLE"], methods=["POST"], scope="support")
nearby_lookup = limiter.limit(lambda: current_app.config["NEARBY_THROTTLE"], scope="nearby")
