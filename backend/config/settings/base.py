"""Settings shared by every environment; everything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

from config.settings.apps import INSTALLED_APPS, SHARED_APPS, TENANT_APPS  # noqa: F401

BACKEND_DIR = Path(__file__).resolve().parents[2]
ROOT_DIR = BACKEND_DIR.parent

env = environ.Env()
# Embedded services (infra/dev/services.py) write their URLs here; real environment variables win.
environ.Env.read_env(ROOT_DIR / ".run" / "services.env", overwrite=False)

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "testserver"])

# --- database and tenancy ---------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# Connections are kept for a while, then recycled; tenants.routing also closes a connection that has
# touched many schemas, so one backend's catalogue cache stays bounded.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=3)
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# Only issue SET search_path when the schema really changes (one per tenant request, none otherwise).
TENANT_LIMIT_SET_CALLS = True
TENANT_CONN_MAX_SCHEMAS = env.int("TENANT_CONN_MAX_SCHEMAS", default=50)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

ROOT_URLCONF = "config.urls_public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
TENANT_URLCONF = "config.urls_tenant"

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tenants.routing.TenantRoutingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BACKEND_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
WSGI_APPLICATION = "config.wsgi.application"

# --- i18n: zh-Hans first, English second ------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BACKEND_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=ROOT_DIR / ".run" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- services ---------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="platform"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}

S3_ENDPOINT_URL = env("S3_ENDPOINT_URL", default=None)
S3_REGION = env("S3_REGION", default="us-east-1")
S3_ACCESS_KEY_ID = env("S3_ACCESS_KEY_ID", default=None)
S3_SECRET_ACCESS_KEY = env("S3_SECRET_ACCESS_KEY", default=None)
S3_BUCKET = env("S3_BUCKET", default="platform")
S3_PRESIGN_EXPIRY = timedelta(seconds=env.int("S3_PRESIGN_EXPIRY_SECONDS", default=300))

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("default", "faces", "documents", "reports")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(ROOT_DIR / ".run" / "celerybeat-schedule")
# Each entry says where it runs: public jobs say so in their name; tenant fan-outs are spread out by the job.
CELERY_BEAT_SCHEDULE = {
    "public.outbox-drain": {"task": "outbox.tasks.outbox_drain_task", "schedule": 5.0},
    # submits exam attempts whose deadline has passed (the server owns the clock)
    "public.exams-submit-due": {"task": "exams.tasks.attempts_submit_due_task", "schedule": 15.0},
    # reads every tenant schema from public, one after the other
    "all-tenants.dangling-references": {
        "task": "tenants.tasks.dangling_references_check",
        "schedule": crontab(hour=3, minute=17),
    },
    # compares each cycle's progress rollup with a fresh GROUP BY, rebuilds on drift
    "public.assessment-rollup-check": {
        "task": "assessment_stats.tasks.rollup_check_task",
        "schedule": crontab(hour=2, minute=43),
    },
    # phase start and deadline reminders of the active cycle (idempotent: twice a day tells nobody twice)
    "public.notification-reminders": {
        "task": "notifications.tasks.notification_reminders_task",
        "schedule": crontab(hour="8,14", minute=7),
    },
    # proctoring: sessions of proctored attempts, snapshots whose time passed without a photo (default queue:
    # task names proctoring.* route to `faces`, these are not face work)
    "public.proctoring-sweep": {
        "task": "proctoring.tasks.proctoring_sweep_task",
        "schedule": 60.0,
        "options": {"queue": "default"},
    },
    # approvals: reminders of overdue approval steps, fanned out over the tenant schemas (once a day per step)
    "all-tenants.approvals-reminders": {
        "task": "approvals.tasks.approvals_reminders_fanout",
        "schedule": crontab(minute=37),
    },
    # proctoring photos past retention (except those under a verdict or appeal)
    "public.proctoring-retention": {
        "task": "proctoring.tasks.proctoring_retention_task",
        "schedule": crontab(hour=4, minute=23),
        "options": {"queue": "default"},
    },
    # credentialing: grants past validity expire, secondments suspend and resume grants (each tenant in turn)
    "all-tenants.credentialing-grants-daily": {
        "task": "credentialing.tasks.grants_daily_all_tenants",
        "schedule": crontab(hour=0, minute=17),
    },
}
# Checks the exam engine runs before a new attempt starts (exams.services.attempts.attempt_start), each
# called as fn(user=, physician=, sitting=) and raising an ApplicationError to refuse.
EXAM_ATTEMPT_START_CHECKS = ["proctoring.services.consent.attempt_start_check"]
# Which sittings are proctored, for the physician's list of sittings: fn(sitting_ids) -> set of ids.
EXAM_PROCTORED_SITTINGS = ["proctoring.selectors.sessions.proctored_sitting_ids"]
# Proctoring photos: accepted by their bytes (JPEG, PNG), at most this size and pixel count.
PROCTORING_PHOTO_MAX_BYTES = env.int("PROCTORING_PHOTO_MAX_BYTES", default=2 * 1024 * 1024)
PROCTORING_PHOTO_MAX_PIXELS = env.int("PROCTORING_PHOTO_MAX_PIXELS", default=12_000_000)
PROCTORING_UPLOAD_URL_SECONDS = env.int("PROCTORING_UPLOAD_URL_SECONDS", default=60)
PROCTORING_VIEW_URL_SECONDS = env.int("PROCTORING_VIEW_URL_SECONDS", default=120)

# --- personal data ----------------------------------------------------------------------------------
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")
ID_HASH_KEY = env("ID_HASH_KEY")

# --- auth -------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.passwords.CharacterClassesValidator"},
]
ACCESS_TOKEN_TTL = timedelta(minutes=env.int("ACCESS_TOKEN_MINUTES", default=30))
REFRESH_TOKEN_TTL = timedelta(days=env.int("REFRESH_TOKEN_DAYS", default=14))
LOGIN_MAX_FAILURES = 5
LOGIN_LOCKOUT = timedelta(minutes=15)
PASSWORD_HISTORY_COUNT = 5  # a new password may not repeat the last five
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)  # staff change it this often (MLPS 3)
# Mini-program tokens: scoped to the physician, short-lived access, rotating refresh.
MINIPROGRAM_ACCESS_TOKEN_TTL = timedelta(minutes=env.int("MINIPROGRAM_ACCESS_TOKEN_MINUTES", default=30))
MINIPROGRAM_REFRESH_TOKEN_TTL = timedelta(days=env.int("MINIPROGRAM_REFRESH_TOKEN_DAYS", default=14))

# --- WeChat login and SMS (adapters; tests and local use the fakes) ---------------------------------
WECHAT_ADAPTER = env("WECHAT_ADAPTER", default="accounts.wechat.HttpWeChatAdapter")
WECHAT_APPID = env("WECHAT_APPID", default="")
WECHAT_SECRET = env("WECHAT_SECRET", default="")
WECHAT_API_URL = env("WECHAT_API_URL", default="https://api.weixin.qq.com")
WECHAT_TIMEOUT_SECONDS = 5
WECHAT_BIND_TICKET_TTL = timedelta(minutes=10)  # between an unbound WeChat login and the bind
WECHAT_BIND_TICKET_MAX_SENDS = 3  # SMS codes one bind ticket may ask for
WECHAT_BIND_TICKET_MAX_ATTEMPTS = 10  # bind attempts one bind ticket may make
BIND_CODE_SMS_TTL = timedelta(minutes=10)
BIND_CODE_INSTITUTION_TTL = timedelta(hours=72)
BIND_CODE_MAX_ATTEMPTS = 5
BIND_CODE_SMS_INTERVAL = timedelta(seconds=60)  # at most one SMS code per account per minute
BIND_CODE_SMS_PER_HOUR = 5
SMS_ADAPTER = env("SMS_ADAPTER", default="accounts.sms.AliyunSmsAdapter")
ALIYUN_SMS_ENDPOINT = env("ALIYUN_SMS_ENDPOINT", default="https://dysmsapi.aliyuncs.com/")
ALIYUN_SMS_ACCESS_KEY_ID = env("ALIYUN_SMS_ACCESS_KEY_ID", default="")
ALIYUN_SMS_ACCESS_KEY_SECRET = env("ALIYUN_SMS_ACCESS_KEY_SECRET", default="")
ALIYUN_SMS_SIGN_NAME = env("ALIYUN_SMS_SIGN_NAME", default="")
ALIYUN_SMS_REGION = env("ALIYUN_SMS_REGION", default="cn-hangzhou")
# Our template names -> Aliyun template codes.
ALIYUN_SMS_TEMPLATES = {"wechat_bind_code": env("ALIYUN_SMS_TEMPLATE_WECHAT_BIND", default="")}
ALIYUN_SMS_TEMPLATES["assessment_returned"] = env("ALIYUN_SMS_TEMPLATE_ASSESSMENT_RETURNED", default="")
ALIYUN_SMS_TEMPLATES["assessment_result_published"] = env("ALIYUN_SMS_TEMPLATE_RESULT_PUBLISHED", default="")

# --- API --------------------------------------------------------------------------------------------
API_LEVEL = 1
# Seconds a process keeps a tenant slug -> schema/region it looked up (suspensions and moves reach all).
TENANT_ROUTING_TTL = env.int("TENANT_ROUTING_TTL", default=60)
ACTOR_RESOLVER = "accounts.selectors.actor_for_request"
# Functions (organization, role) -> core.actor.Reach that widen what an actor reaches (assessment bodies).
ACTOR_REACH_EXTENSIONS: list[str] = ["assessment_bodies.selectors.reach_for_body"]
# Where the public verification page is served: printed in the QR code of every certificate.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://localhost:8000")
CERTIFICATE_VERIFY_THROTTLE_RATE = env("CERTIFICATE_VERIFY_THROTTLE_RATE", default="60/min")  # per client IP
# Certificate batches of this size or more also queue helper tasks, so every `documents` worker process renders.
CERTIFICATE_BATCH_PARALLEL_MIN = env.int("CERTIFICATE_BATCH_PARALLEL_MIN", default=100)
CERTIFICATE_BATCH_HELPERS = env.int("CERTIFICATE_BATCH_HELPERS", default=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.authentication.TokenScope",
        "accounts.authentication.PasswordChangeGate",
        "core.permissions.TenantAccess",
        "core.permissions.HasActionPermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": env("LOGIN_THROTTLE_RATE", default="20/min")},
    "UNAUTHENTICATED_USER": None,
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "core.exceptions.ExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "core.exceptions.ExceptionFormatter",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "409", "429", "503"],
    "ERROR_SCHEMAS": {
        "409": "core.openapi.ErrorResponse409Serializer",
        "503": "core.openapi.ErrorResponse503Serializer",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "医师定期考核与医务管理平台 API",
    "DESCRIPTION": "Province platform for the periodic assessment of physicians and hospital medical affairs.",
    "VERSION": "1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN (the platform runs on government networks).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/(h/\{tenant_slug\}/)?api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
        "AssessmentBodyApplicationStatusEnum": "assessment_bodies.models.ApplicationStatus.choices",
        "PhysicianStatusEnum": "physicians.enums.PhysicianStatus.choices",
        "OrganizationStatusEnum": "organizations.enums.OrganizationStatus.choices",
        "LevelEnum": "organizations.enums.RegionLevel.choices",
        "EnrolmentStatusEnum": "assessment.enums.EnrolmentStatus.choices",
        "RatingLevelEnum": "assessment.enums.RatingLevel.choices",
        "CycleStatusEnum": "assessment.enums.CycleStatus.choices",
        "NotificationKindEnum": "notifications.enums.NotificationKind.choices",
        "NotificationLinkTypeEnum": "notifications.enums.LinkType.choices",
        "ExamQuestionKindEnum": "exams.enums.QuestionKind.choices",
        "ExamBankPurposeEnum": "exams.enums.BankPurpose.choices",
        "KindEnum": "organizations.enums.OrganizationKind.choices",  # its name before exams added a "kind"
        "PurposeEnum": "assessment.models.AttachmentPurpose.choices",
        "ApprovalRequestStatusEnum": "approvals.enums.RequestStatus.choices",
        "ApprovalStepModeEnum": "approvals.enums.StepMode.choices",
        "ApprovalDecisionEnum": "approvals.enums.Decision.choices",
        "DecisionEnum": ["upheld", "overturned"],  # proctoring appeals: its name before approvals added one
        "ModeEnum": "practice.enums.SessionMode.choices",  # likewise
        "CredentialingPrivilegeKindEnum": "credentialing.models.PrivilegeKind.choices",
        "CredentialingApplicationStatusEnum": "credentialing.models.ApplicationStatus.choices",
        "CredentialingGrantStatusEnum": "credentialing.models.GrantStatus.choices",
        "CredentialingCategoryEnum": "credentialing.models.Category.choices",
        "CredentialingDrugClassEnum": "credentialing.models.DrugClass.choices",
        "CredentialingSpecialPracticeEnum": "credentialing.models.SpecialPractice.choices",
        "CredentialingSecondmentKindEnum": "credentialing.models.SecondmentKind.choices",
        "CredentialingReassessmentResultEnum": "credentialing.models.ReassessmentResult.choices",
    },
    "SERVE_URLCONF": "config.urls_schema",
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
}

# --- logging: JSON lines with the request ID --------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},  # INFO logs every step of every PDF
    },
}
