"""Users, memberships and tokens (public schema). One user table for everybody."""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from accounts.roles import Role
from core.models import BaseModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=64, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    must_change_password = models.BooleanField(default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Accounts are never hard-deleted: "delete" deactivates and stamps this; the username stays taken.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.username


class Membership(BaseModel):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        "organizations.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["organization", "role"])]


class TokenKind(models.TextChoices):
    ACCESS = "access"
    REFRESH = "refresh"


class AuthToken(BaseModel):
    """An opaque bearer token, stored as its SHA-256 only.

    Refresh tokens rotate: using one revokes it and issues a new pair in the same `family`; presenting a
    revoked refresh token again revokes the whole family (a stolen token was replayed).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=8, choices=TokenKind.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    family = models.UUIDField(default=uuid.uuid4, db_index=True)
    client = models.CharField(max_length=16, default="web")  # web | miniprogram
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "kind"])]


class PasswordHistory(models.Model):
    """The last password hashes of a user: a new password may not repeat the last five."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class WeChatIdentity(BaseModel):
    """A WeChat identity (mini-program openid) bound to a physician's account. One per account and per openid;
    bound with a one-time code, rebound only by the institution."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="wechat")
    appid = models.CharField(max_length=32)
    openid = models.CharField(max_length=64)
    unionid = models.CharField(max_length=64, blank=True)
    bound_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appid", "openid"], name="wechat_openid_unique")]


class BindCodeChannel(models.TextChoices):
    SMS = "sms", "短信"
    INSTITUTION = "institution", "机构发放"


class BindCode(BaseModel):
    """A one-time code that lets a physician bind WeChat to their account: sent by SMS or issued by the
    institution. Stored hashed, short-lived, a few attempts, used once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bind_codes")
    channel = models.CharField(max_length=16, choices=BindCodeChannel.choices)
    code_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]
