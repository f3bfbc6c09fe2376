"""Failed-login throttling that an attacker cannot turn against the owner.

Three rules, all counted from login_failures in the database (several app
servers share it):

- the (account, address) pair: after LOGIN_MAX_FAILURES_PER_PAIR failures
  within LOGIN_WINDOW that address may not try that account again until the
  window has passed; the owner at another address is not affected;
- the address: after LOGIN_MAX_FAILURES_PER_ADDRESS failures within the window,
  across all accounts, the address may not try any account;
- the account: once it has LOGIN_BACKOFF_AFTER failures within
  LOGIN_BACKOFF_WINDOW, from wherever, an address that has itself failed on it
  waits 2, 4, 8 … seconds (at most LOGIN_BACKOFF_MAX) after the account's
  latest failure before it may try again. It only delays addresses that have
  failed: a correct password from an address that has not failed is never
  refused, so nobody can lock the owner out.

An attacker at one address gets LOGIN_MAX_FAILURES_PER_PAIR guesses per window
per account; one rotating addresses gets one quick guess per new address and
is then slowed by the account's backoff. IPv6 addresses count per /64 (one
host usually holds a whole /64)."""
import ipaddress
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..core.db import utcnow
from ..extensions import db
from .models import LoginFailure


class LoginThrottled(Exception):
    def __init__(self, retry_after: timedelta):
        self.retry_after = max(retry_after, timedelta(seconds=1))


def address_key(address: str | None) -> str:
    """The address as counted: IPv4 as it is, IPv6 as its /64 network."""
    if not address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _config(name):
    return current_app.config[name]


def backoff_delay(account_failures: int) -> timedelta:
    """How long an address that has failed waits after the account's latest failure."""
    over = account_failures - _config("LOGIN_BACKOFF_AFTER")
    if over < 0:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(over + 1, 20)), _config("LOGIN_BACKOFF_MAX"))


def check(email: str, address: str) -> None:
    """Raise LoginThrottled if this address may not try this account now.
    The same queries run for unknown emails: the answer reveals nothing."""
    now = utcnow()
    window: timedelta = _config("LOGIN_WINDOW")
    since = now - window
    backoff_since = now - max(_config("LOGIN_BACKOFF_WINDOW"), window)

    count, oldest = db.session.execute(
        select(func.count(), func.min(LoginFailure.at))
        .where(LoginFailure.address == address, LoginFailure.at >= since)
    ).one()
    if count >= _config("LOGIN_MAX_FAILURES_PER_ADDRESS"):
        raise LoginThrottled(oldest + window - now)

    account_count, latest = db.session.execute(
        select(func.count(), func.max(LoginFailure.at))
        .where(LoginFailure.email == email, LoginFailure.at >= backoff_since)
    ).one()
    if not account_count:
        return  # nothing failed on this account lately, so nothing from this address either
    in_window = LoginFailure.at >= since
    pair_in_window, pair_oldest, pair_lately = db.session.execute(
        select(func.count().filter(in_window), func.min(LoginFailure.at).filter(in_window), func.count())
        .where(LoginFailure.email == email, LoginFailure.address == address, LoginFailure.at >= backoff_since)
    ).one()
    if pair_in_window >= _config("LOGIN_MAX_FAILURES_PER_PAIR"):
        raise LoginThrottled(pair_oldest + window - now)
    if pair_lately:
        wait_until = latest + backoff_delay(account_count)
        if wait_until > now:
            raise LoginThrottled(wait_until - now)


def record_failure(email: str, address: str) -> None:
    """Count a failure, and forget this account's and this address's failures
    that no rule (nor the owner's notice) needs any more."""
    now = utcnow()
    cutoff = now - _config("LOGIN_FAILURE_RETENTION")
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.at < cutoff))
    db.session.execute(delete(LoginFailure).where(LoginFailure.address == address, LoginFailure.at < cutoff))
    db.session.add(LoginFailure(email=email[:254], address=address[:64], at=now))


def failures_since(email: str, since: datetime | None) -> int:
    """Failed attempts on this account since `since` (its owner's last login)."""
    query = select(func.count()).where(LoginFailure.email == email)
    if since is not None:
        query = query.where(LoginFailure.at > since)
    return db.session.scalar(query) or 0


def record_success(email: str, address: str) -> None:
    """The owner got in from this address: that pair's failures were theirs."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.address == address))
