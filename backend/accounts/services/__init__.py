"""Writes about accounts, by subdomain: auth (login, tokens, passwords, memberships), and the modules added
beside it. Names are re-exported here so callers write `from accounts.services import auth_login`."""

from accounts.services.auth import (  # noqa: F401
    LoginFailed,
    TokenPair,
    auth_login,
    auth_logout,
    auth_refresh,
    membership_grant,
    password_change,
)
