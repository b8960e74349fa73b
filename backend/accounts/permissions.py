from enum import StrEnum


class Perm(StrEnum):
    """Permission codes of the platform's foundation; each domain adds its own `permissions.py`."""

    ACCOUNT_VIEW = "accounts.view"
    ACCOUNT_MANAGE = "accounts.manage"
    AUDIT_VIEW = "audit.view"
    ARCHIVE_VIEW = "archives.view"
    ARCHIVE_MANAGE = "archives.manage"
    PHYSICIAN_VIEW = "physicians.view"
    PHYSICIAN_MANAGE = "physicians.manage"
    SELF_SERVICE = "self.service"
