"""`make test`: the same real services, kept apart from the demo's data (own database, Redis db, bucket)."""

from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, REDIS_URL, S3_BUCKET, env

TEST_REDIS_URL = env("TEST_REDIS_URL", default=REDIS_URL.rstrip("/") + "/1")
REDIS_URL = TEST_REDIS_URL
CACHES["default"]["LOCATION"] = TEST_REDIS_URL
CELERY_BROKER_URL = TEST_REDIS_URL
CELERY_RESULT_BACKEND = TEST_REDIS_URL
S3_BUCKET = env("TEST_S3_BUCKET", default=f"{S3_BUCKET}-test")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast in tests only
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"login": "100000/min"}  # noqa: F405 - the throttle test sets its own
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Parallel runs (several checkouts or helpers on one machine) keep apart with TEST_DB_SUFFIX.
DATABASES["default"]["TEST"] = {"NAME": "test_platform" + env("TEST_DB_SUFFIX", default="")}  # noqa: F405
WECHAT_ADAPTER = "accounts.wechat.FakeWeChatAdapter"
WECHAT_APPID = "wx-test-app"
SMS_ADAPTER = "accounts.sms.FakeSmsAdapter"
# WhiteNoise warns on every request when the static root does not exist (a fresh clone has not collected).
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
