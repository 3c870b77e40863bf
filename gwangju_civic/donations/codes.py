"""Withdrawal codes are stored only as a digest, so a copy of the database cannot be used to withdraw."""
import hashlib

from gwangju_civic.codes import WITHDRAWAL_CODE


def code_digest(code: str) -> str:
    return hashlib.sha256(WITHDRAWAL_CODE.normalize(code).encode()).hexdigest()
