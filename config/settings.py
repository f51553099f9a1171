"""Settings for the Critical Minerals Agreement Tracker.

One module for every environment: local defaults are safe (SQLite in the project folder,
local-memory cache, DEBUG off), and production is the same file with other environment
variables (see README and docs/deployment.md).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blank items dropped (``GB, ,US`` is two items)."""
    return [item.strip() for item in env.list(name, default=default.split(",")) if item.strip()]


def throttle_rate(name: str, default: str) -> str | None:
    value = env.str(name, default=default).strip()
    return None if value.lower() in {"", "off", "none"} else value


# Test mode is switched on by the test suite's settings (config/test_settings.py), never
# guessed: it allows running without a configured secret and turns off the login lock-out,
# HSTS and the static-file manifest, which the tests do not exercise.
TESTING = env.bool("CMAT_TEST_MODE", default=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (production), "
            "or DEBUG=1 for local development."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "simple_history",
    "corsheaders",
    "axes",
    "agreements",
    "minerals",
    "explorer",
]

MIDDLEWARE = [
    # Outermost, so refused and failed requests are logged too.
    "config.api.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (see config/api/middleware.py).
    "config.api.middleware.RequestLimitsMiddleware",
    # NUL characters in the path or query: refused before any view (see config/api/input.py).
    "config.api.input.UnstorableInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Read replica routing and read-your-writes (inactive without DATABASE_REPLICA_URL).
    "config.routers.ReplicaRoutingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control and Vary for shared caches: public for anonymous reads, private for users.
    "config.api.middleware.CacheHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lock-out response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a login attempt from a locked-out username/address before checking it.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        **env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
}
# A database that does not answer must not hold a request forever. PostgreSQL: give up
# connecting after DB_CONNECT_TIMEOUT seconds, let the server cancel any statement running
# longer than DB_STATEMENT_TIMEOUT seconds (0: no limit, e.g. for a large import), and stop
# waiting for a server that does not answer at all (stopped, hung, cut off) a few seconds
# after that (config/postgresql). Either gives a 503 in the API's error shape.
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
DB_STATEMENT_TIMEOUT = env.int("DB_STATEMENT_TIMEOUT", default=15)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": DB_CONNECT_TIMEOUT,
        "options": f"-c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}",
    }
# Behind a pooler in transaction mode (PgBouncer), consecutive transactions of one Django
# connection may run on different server connections, so a server-side cursor (a named
# cursor, which Django opens for .iterator() on PostgreSQL) would not be found by its next
# FETCH: turn them off. Set DB_POOLER=transaction there.
DB_POOLER = env.str("DB_POOLER", default="")
# Read replica (config/routers.py): reads of safe requests go to DATABASE_REPLICA_URL when it
# has caught up with the primary; writes, writers' next reads and commands use DATABASE_URL.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "ENGINE": DATABASES["default"]["ENGINE"],
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
for _database in DATABASES.values():
    if DB_POOLER == "transaction":
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
# After a successful write, the writer's reads go to the primary this long (read-your-writes).
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=5)
# A replica that failed its check is left alone this long (reads go to the primary).
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How long a shared cache (CDN, proxy) may keep an anonymous API response (Cache-Control:
# public, max-age); authenticated responses are always private, no-store.
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=30)
# How much longer (seconds) a shared cache may serve such a response while it fetches a fresh
# one in the background (stale-while-revalidate; 0 leaves the directive out).
PUBLIC_CACHE_STALE_WHILE_REVALIDATE = env.int("PUBLIC_CACHE_STALE_WHILE_REVALIDATE", default=0)

# Shared response cache for agreement reads (keyed by the data version:
# config/api/data_version.py).
API_RESPONSE_CACHE = env.bool("API_RESPONSE_CACHE", default=True)

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # The cache is an accelerator, never a dependency: short socket timeouts, and an
    # unreachable or hung Redis is skipped for CACHE_RETRY_SECONDS at a time (one log line
    # per outage), while reads are served from the database and throttling is off
    # (config/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cmat"),
            "OPTIONS": {
                "socket_connect_timeout": env.int("CACHE_CONNECT_TIMEOUT_MS", default=250) / 1000,
                "socket_timeout": env.int("CACHE_SOCKET_TIMEOUT_MS", default=250) / 1000,
                "retry_seconds": env.int("CACHE_RETRY_SECONDS", default=5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default="") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not (DEBUG or TESTING))
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve static files straight from the apps when collectstatic has not been run
# (first run, tests); production runs collectstatic and serves the manifest.
WHITENOISE_USE_FINDERS = DEBUG or TESTING or not STATIC_ROOT.exists()

# Drafting from a press release: the extractor's time budget per request, in seconds (it runs
# in a child process killed when the budget is spent; 0 runs it in the request's thread).
DRAFT_TIME_LIMIT = env.int("DRAFT_TIME_LIMIT", default=10)

# Limits on what a client can make the server hold in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MAX_REQUEST_BODY_BYTES", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
MAX_QUERY_STRING_LENGTH = env.int("MAX_QUERY_STRING_LENGTH", default=4096)

# Security headers and cookies; HTTPS-only settings are on unless DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Health checks answer over plain HTTP too: load balancers probe them without TLS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if (DEBUG or TESTING) else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of the app: how many X-Forwarded-For entries to trust when telling
# clients apart (throttling, admin lock-out). 0 (the default): X-Forwarded-For is ignored and
# the connecting address is the client (a client could otherwise pick its own address).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# For a deliberate exception to `check --deploy` (e.g. security.W008 when the proxy alone
# redirects to HTTPS), comma-separated check ids.
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")

# Admin login protection (django-axes): after AXES_FAILURE_LIMIT failed logins for the same
# username from the same address, that pair is locked out for AXES_COOLOFF_MINUTES. Off under
# the test runner unless a test turns it on, so tests that log in many times are not locked out.
AXES_ENABLED = env.bool("AXES_ENABLED", default=not TESTING)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [env_list("AXES_LOCKOUT_PARAMETERS", "username,ip_address")]
AXES_RESET_ON_SUCCESS = True
# No "AXES: BEGIN version …" line at the start of every command and worker.
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if NUM_PROXIES else ["REMOTE_ADDR"]
)

# Cross-origin reads of the API: GET/HEAD (and the preflight OPTIONS) on /api/ only, never
# with cookies. CORS_ALLOWED_ORIGINS restricts the origins; unset, any origin may read.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Location", "Retry-After", "X-Request-ID"]
CORS_PREFLIGHT_MAX_AGE = env.int("CORS_PREFLIGHT_MAX_AGE", default=86400)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.ModelPermissionsOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["config.api.input.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "config.api.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNICODE_JSON": True,
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    # "off" disables a throttle (benchmarks drive the API as one client).
    "DEFAULT_THROTTLE_RATES": {
        "anon": throttle_rate("THROTTLE_ANON", "600/min"),
        "user": throttle_rate("THROTTLE_USER", "3000/min"),
    },
}

DRF_STANDARDIZED_ERRORS = {
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "EXCEPTION_HANDLER_CLASS": "config.api.exceptions.ExceptionHandler",
    "ERROR_SCHEMAS": {
        "409": "config.api.openapi.ErrorResponse409Serializer",
        "412": "config.api.openapi.ErrorResponse412Serializer",
        "413": "config.api.openapi.ErrorResponse413Serializer",
    },
    "ALLOWED_ERROR_STATUS_CODES": [
        "400",
        "401",
        "403",
        "404",
        "405",
        "406",
        "409",
        "412",
        "413",
        "415",
        "429",
        "500",
    ],
}

REST_KNOX = {
    # Keys do not expire on their own; they are revoked explicitly (admin or command).
    "TOKEN_TTL": None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

_ERR = "drf_standardized_errors.openapi_serializers."
SPECTACULAR_SETTINGS = {
    "TITLE": "Critical Minerals Agreement Tracker API",
    "DESCRIPTION": (
        "The reference database of critical-minerals agreements between governments: "
        "MoUs, frameworks, joint statements, roadmaps and treaties, with parties, "
        "signatories, dates, places, covered minerals and sources.\n\n"
        "Input is strict: a query parameter an operation does not document, a single-valued "
        "parameter given twice, an empty value, or a JSON value of the wrong type is a 400 "
        "whose `attr` names the parameter or field. Codes and slugs in filters are "
        "case-insensitive; minerals may be given by name or alias."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "agreements.models.DatePrecision.choices",
        "ClaimStatusEnum": "agreements.models.ClaimStatus.choices",
        "ValidationErrorEnum": _ERR + "ValidationErrorEnum.choices",
        "ClientErrorEnum": _ERR + "ClientErrorEnum.choices",
        "ServerErrorEnum": _ERR + "ServerErrorEnum.choices",
        "ErrorCode401Enum": _ERR + "ErrorCode401Enum.choices",
        "ErrorCode403Enum": _ERR + "ErrorCode403Enum.choices",
        "ErrorCode404Enum": _ERR + "ErrorCode404Enum.choices",
        "ErrorCode405Enum": _ERR + "ErrorCode405Enum.choices",
        "ErrorCode406Enum": _ERR + "ErrorCode406Enum.choices",
        "ErrorCode415Enum": _ERR + "ErrorCode415Enum.choices",
        "ErrorCode429Enum": _ERR + "ErrorCode429Enum.choices",
        "ErrorCode500Enum": _ERR + "ErrorCode500Enum.choices",
        "ErrorCode409Enum": [("conflict", "conflict")],
        "ErrorCode412Enum": [("precondition_failed", "precondition_failed")],
        "ErrorCode413Enum": [("request_too_large", "request_too_large")],
        "AgreementKindEnum": "agreements.models.AgreementKind.choices",
        "AgreementStatusEnum": "agreements.models.AgreementStatus.choices",
        "PartyKindEnum": "agreements.models.PartyKind.choices",
        "SourceKindEnum": "agreements.models.SourceKind.choices",
        "SignatureRoleEnum": "agreements.models.SignatureRole.choices",
        "RelationKindEnum": "agreements.models.RelationKind.choices",
        "StageEnum": "agreements.models.Stage.choices",
        # Commitments (issue 17)
        "CommitmentKindEnum": "agreements.models.CommitmentKind.choices",
        "CommitmentStatusEnum": "agreements.models.CommitmentStatus.choices",
        "DueUnitEnum": "agreements.models.DueUnit.choices",
        "DueFromEnum": "agreements.models.DueFrom.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "config.api.schema_hooks.add_resource_links",
        "config.api.schema_hooks.error_schema_gaps",
        "config.api.schema_hooks.tidy_schema",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # The request log's message is already one JSON object (config/api/middleware.py).
        "json_line": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "request_log": {"class": "logging.StreamHandler", "formatter": "json_line"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own per-request warnings duplicate the structured request line.
        "django.request": {"level": "ERROR"},
        "cmat.request": {
            "handlers": ["request_log"],
            "level": env.str("REQUEST_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
    },
}
