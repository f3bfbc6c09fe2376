"""Default settings. Secrets and per-site values come from instance/config.py
or the environment (SECRET_KEY, DATABASE_URL, ALLIANCE_*), never from here."""
from datetime import timedelta

SECRET_KEY = None
SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: instance/alliance.db
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

# Production-safe cookies; `make run` relaxes *_SECURE for a plain-HTTP demo.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "alliance_session"
PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
REMEMBER_COOKIE_SECURE = True
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_DURATION = timedelta(days=14)
REMEMBER_COOKIE_NAME = "alliance_remember"

TRUSTED_HOSTS = None  # e.g. ["alliance.example.org"] in production: other Host headers get a 400
# The address users reach the application at, e.g. "https://alliance.example.org": every
# absolute link (tickets' QR codes, the ceremony screen) is built from it. Required to serve.
BASE_URL = None
MAX_CONTENT_LENGTH = 16 * 1024 * 1024
MIN_SECRET_KEY_LENGTH = 32
PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default; tests use a cheap one

WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; forms left open all day still post

BABEL_DEFAULT_LOCALE = "zh_CN"
BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
LANGUAGES = ("zh_CN", "en")

BOOTSTRAP_SERVE_LOCAL = True  # no CDN: customers run on intranets

# Browser sessions (user_sessions): last_seen_at is written at most this often.
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)

# Failed-login throttling (accounts/throttle.py): failures allowed within the
# window per (account, address) pair and per address across accounts; past
# LOGIN_BACKOFF_AFTER failures on an account within LOGIN_BACKOFF_WINDOW, an
# address that has failed on it waits 2, 4, 8 ... seconds, at most LOGIN_BACKOFF_MAX.
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_MAX_FAILURES_PER_PAIR = 5
LOGIN_MAX_FAILURES_PER_ADDRESS = 30
LOGIN_BACKOFF_WINDOW = timedelta(hours=1)
LOGIN_BACKOFF_AFTER = 10
LOGIN_BACKOFF_MAX = timedelta(minutes=15)
# Failures are kept this long, for the notice at the owner's next login.
LOGIN_FAILURE_RETENTION = timedelta(days=30)

# The JSON API and its OpenAPI document (flask-smorest).
API_TITLE = "Alliance API"
API_VERSION = "v1"
OPENAPI_VERSION = "3.0.3"
OPENAPI_URL_PREFIX = "/api/v1"
OPENAPI_JSON_PATH = "openapi.json"
API_SPEC_OPTIONS = {
    "components": {
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"},
        }
    },
    "security": [{"bearerAuth": []}],
}

PAGE_SIZE = 50

# Agreement numbers: sequential per year, e.g. AHBR-2026-0001.
AGREEMENT_NUMBER_PREFIX = "AHBR-"
AGREEMENT_NUMBER_FORMAT = "{prefix}{year}-{seq:04d}"

# PDFs: an operator's own TrueType font (e.g. 宋体 simsun.ttc) and its index in a collection.
PDF_FONT_PATH = None
PDF_FONT_INDEX = 0

# Behind a reverse proxy: how many proxies set each X-Forwarded-* header, e.g.
# ALLIANCE_PROXY_FIX='{"x_for": 1, "x_proto": 1, "x_host": 1}'. None: trust none.
PROXY_FIX = None
# One JSON line per request on stderr (method, route, status, duration).
LOG_REQUESTS = True

# Answers that reveal whether something exists are limited per caller (core/throttle.py):
# a mobile number already registered by another organization, per account;
DUPLICATE_LOOKUP_LIMIT = 20
DUPLICATE_LOOKUP_WINDOW_S = 3600
# membership applications, per address.
APPLICATION_LIMIT = 5
APPLICATION_WINDOW_S = 3600
# guest invitation links that do not exist, per address (the codes are unguessable; this stops trying);
INVITATION_LOOKUP_LIMIT = 10
INVITATION_LOOKUP_WINDOW_S = 3600
# registrations sent through an event's public form, per address.
PUBLIC_REGISTRATION_LIMIT = 20
PUBLIC_REGISTRATION_WINDOW_S = 3600
# "Forgot your password?" requests, per address and per email (whether or not it has an account).
PASSWORD_RESET_LIMIT_PER_ADDRESS = 10
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
PASSWORD_RESET_WINDOW_S = 3600

# How long a link that sets a password stays valid (accounts/links.py), in seconds:
# the reset of a forgotten password, and the invitation of a new account.
PASSWORD_RESET_MAX_AGE_S = 3600
INVITATION_MAX_AGE_S = 7 * 24 * 3600

# Reading an uploaded spreadsheet stops after this many seconds (a full import takes about 3).
IMPORT_MAX_SECONDS = 10

# The secretariat's name at the top of messages (empty: "Alliance Secretariat", translated).
SECRETARIAT_NAME = ""

# The task queue (core/queue.py): SQLite in instance/ by default; "redis://host:6379/0" in production.
TASK_QUEUE_URL = None
TASK_QUEUE_IMMEDIATE = False  # run tasks in the web process (unit tests only)

# Mail (Flask-Mailman). Without MAIL_SERVER messages are kept, previewable, and marked not sent.
MAIL_SERVER = None
MAIL_BACKEND = "smtp"
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "secretariat@localhost"
MAIL_TIMEOUT = 20  # seconds: a slow server is a temporary failure, retried later
# A worker holds a message this long; if it dies meanwhile, another sends it after that.
MESSAGE_CLAIM_SECONDS = 300

# Long documents are built by the worker (alliance_app/jobs) above these sizes; the page
# shows their progress and offers the download. Smaller ones are sent at once.
BACKGROUND_DOCUMENT_THRESHOLD = 200    # delegates on badges and sign-in sheets
BACKGROUND_EXPORT_THRESHOLD = 2000     # rows of a registration export (XLSX, CSV)
BACKGROUND_AGREEMENT_THRESHOLD = 20    # agreements in a ceremony pack
# How often (seconds) a document being built writes its progress; a built document is
# kept for a day, or until the data it was built from changes.
JOB_PROGRESS_INTERVAL_S = 1.0

# Finance (alliance_app/finance): receipts are numbered per year like agreements.
RECEIPT_NUMBER_PREFIX = "SJ-"
RECEIPT_NUMBER_FORMAT = "{prefix}{year}-{seq:05d}"
# The alliance's bank account, printed on payment notices (缴费通知).
FINANCE_PAYEE_NAME = "安徽省新能源汽车动力电池回收利用产业联盟"
FINANCE_BANK_NAME = "中国工商银行合肥政务区支行"
FINANCE_BANK_ACCOUNT = "1302 0100 0000 0000 000"
DUES_REMINDER_DAYS_BEFORE = 14     # a reminder this many days before the due date
DUES_REMINDER_DAYS_AFTER = 7       # and one this many days after it, if still unpaid
DUES_SUSPENSION_GRACE_DAYS = 90    # unpaid this long after the due date: suspension is proposed
INVOICE_MAX_BYTES = 5 * 1024 * 1024  # an uploaded e-fapiao (PDF or OFD)
# Follow-up of signed agreements (签约项目落地跟踪): attachments of a progress report
# (photos, PDFs), and how far above the signed value an invested amount needs a confirmation.
FOLLOWUP_MAX_ATTACHMENTS = 5
FOLLOWUP_ATTACHMENT_MAX_BYTES = 8 * 1024 * 1024
FOLLOWUP_PLAUSIBLE_FACTOR = 1.5
FOLLOWUP_FILES_PATH = None  # None: instance/followup/ (outside the web root, like the database)
# Signed agreements' PDFs as issued (issue 17); None: instance/agreement-archive/, outside the web root.
AGREEMENT_ARCHIVE_PATH = None
# PAdES signature of the archived agreements (agreements/signing.py): a PKCS#12 file (None:
# instance/signing-key.p12 when it exists; `flask signing-key create` makes a self-signed one for
# trials) and its passphrase; without a usable key archives stay unsigned and wait, and the
# dashboard says so. A timestamp authority (RFC 3161 URL) is asked when set.
SIGNING_KEY_PATH = None
SIGNING_KEY_PASSPHRASE = None
SIGNING_TIMESTAMP_URL = None
SIGNING_NAME = "安徽省新能源汽车动力电池回收利用产业联盟"  # who signs: the alliance
# The public verification page (/verify/<code>): lookups per address and window, and the
# largest PDF one may upload there to compare with the archive.
VERIFY_LOOKUP_LIMIT = 60
VERIFY_LOOKUP_WINDOW_S = 600
VERIFY_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
