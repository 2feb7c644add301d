"""Personal data (PIPL): encryption at rest, keyed hashes for exact search, masking for display.

- `encrypt` / `decrypt`: Fernet under `settings.FIELD_ENCRYPTION_KEYS` (a MultiFernet, newest key
  first: new values are written under the first key, old values under any listed key still read).
- `blind_index(kind, value)`: HMAC-SHA256 under `settings.FIELD_HASH_KEY` over a normalised value,
  hex. Store it next to the ciphertext and filter on it for exact-value search.
- `mask_id_number` / `mask_phone` / `mask_name` / `mask(kind, value)`: what every page, API
  response, export, log line and error message shows unless the user revealed the value.
- `EncryptedCharField`: stores the ciphertext; the Python value is the plaintext. Keep it out of
  `__str__`, reprs, audit snapshots, logs and error messages: show `mask(...)` instead.
- `rekey_all()`: re-encrypt every `EncryptedCharField` column under the newest key (run by
  `gongzhi pii rekey` after putting a new key first in FIELD_ENCRYPTION_KEYS).

For bulk work (imports, demo data) take one `encryptor()` and call it in a loop.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact

ID_NUMBER = "id_number"
PHONE = "phone"
NAME = "name"

_TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts with version byte 0x80 + timestamp → "gAAAAA"
_cache: dict[str, object] = {}


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key (message never holds data)."""


def _keys() -> tuple[str, ...]:
    keys = tuple(k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k and k.strip())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return keys


def fernet() -> MultiFernet:
    """The MultiFernet for the configured keys (rebuilt when the settings change, e.g. in tests)."""
    keys = _keys()
    if _cache.get("keys") != keys:
        _cache["keys"] = keys
        _cache["fernet"] = MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
        _cache["primary"] = Fernet(keys[0].encode())
    return _cache["fernet"]  # type: ignore[return-value]


def encryptor() -> Callable[[str], str]:
    """A fast `encrypt` for loops: the primary key's Fernet, bound once."""
    fernet()
    primary: Fernet = _cache["primary"]  # type: ignore[assignment]

    def _encrypt(value: str) -> str:
        return primary.encrypt(value.encode()).decode() if value else ""

    return _encrypt


def encrypt(value: str) -> str:
    """Ciphertext of `value` under the newest key; "" stays "" (an empty value is not secret)."""
    if value is None or value == "":
        return ""
    return fernet().encrypt(str(value).encode()).decode()


def decrypt(token: str) -> str:
    """Plaintext of a stored token; "" stays "". Raises DecryptionError (without the data)."""
    if token is None or token == "":
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, TypeError) as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt a stored token under the newest key."""
    if not token:
        return ""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def looks_encrypted(value: str) -> bool:
    return isinstance(value, str) and value.startswith(_TOKEN_PREFIX) and len(value) > 80


# ---------------------------------------------------------------------------------------------
# Normalising and keyed hashes

_NOT_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"[\s\-–—_.()（）]")


def normalise_id_number(value: str) -> str:
    return _SPACES.sub("", str(value or "")).upper()


def normalise_phone(value: str) -> str:
    """Digits only, without a +86 / 0086 country prefix (landlines keep their area code)."""
    digits = _NOT_DIGIT.sub("", str(value or ""))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


_MOBILE = re.compile(r"1[3-9]\d{9}")


def is_mobile(value: str) -> bool:
    """Whether `value` (normalised or not) is a mainland mobile number: 11 digits, 13x–19x."""
    return bool(_MOBILE.fullmatch(normalise_phone(value)))


_LANDLINE = re.compile(r"0\d{9,11}")  # area code (3–4 digits incl. 0) + 7–8 digits


def is_phone(value: str) -> bool:
    """Whether `value` is a number people can be called at: a mainland mobile, or a landline with its
    area code (0931-1234567). The one phone rule of the product."""
    number = normalise_phone(value)
    return bool(_MOBILE.fullmatch(number) or _LANDLINE.fullmatch(number))


def normalise(kind: str, value: str) -> str:
    if kind == ID_NUMBER:
        return normalise_id_number(value)
    if kind == PHONE:
        return normalise_phone(value)
    return " ".join(str(value or "").split()).casefold()


def _hash_key() -> bytes:
    key = settings.FIELD_HASH_KEY
    if not key:
        raise ImproperlyConfigured("FIELD_HASH_KEY is empty.")
    return key.encode() if isinstance(key, str) else key


def blind_index(kind: str, value: str) -> str:
    """Keyed hash (hex) of the normalised value, for exact-value search; "" for an empty value.
    The kind is part of the message, so the same digits as a phone and as an ID hash differently."""
    normalised = normalise(kind, value)
    if not normalised:
        return ""
    return hmac.new(_hash_key(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def blind_indexer(kind: str) -> Callable[[str], str]:
    """A fast `blind_index` for loops over many values of one kind."""
    key = _hash_key()
    norm = {ID_NUMBER: normalise_id_number, PHONE: normalise_phone}.get(kind) or (lambda v: normalise(kind, v))
    prefix = f"{kind}:"

    def _index(value: str) -> str:
        normalised = norm(value)
        if not normalised:
            return ""
        return hmac.new(key, (prefix + normalised).encode(), hashlib.sha256).hexdigest()

    return _index


# ---------------------------------------------------------------------------------------------
# Masking


def _mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    if len(value) <= keep_start + keep_end:
        # Too short to show both ends safely: show at most the last two characters.
        keep = min(2, max(0, len(value) - 2))
        return "*" * (len(value) - keep) + (value[-keep:] if keep else "")
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_number(value: str) -> str:
    """`620102199001011234` → `6201**********1234`."""
    value = normalise_id_number(value)
    return _mask_middle(value, 4, 4) if value else ""


def mask_phone(value: str) -> str:
    """`13812345678` → `138****5678`; landlines keep the last four digits."""
    value = normalise_phone(value)
    if not value:
        return ""
    if len(value) == 11 and value.startswith("1"):
        return _mask_middle(value, 3, 4)
    return _mask_middle(value, 0, 4) if len(value) > 4 else "*" * len(value)


def mask_name(value: str) -> str:
    """`张三` → `张*`, `张三丰` → `张*丰`, `欧阳小明` → `欧**明`."""
    value = str(value or "").strip()
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask(kind: str, value: str) -> str:
    if kind == ID_NUMBER:
        return mask_id_number(value)
    if kind == PHONE:
        return mask_phone(value)
    if kind == NAME:
        return mask_name(value)
    return _mask_middle(str(value or ""), 1, 1) if value else ""


# ---------------------------------------------------------------------------------------------
# Model field


class _EmptyOnlyExact(Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise TypeError(
                "An encrypted field cannot be filtered by value (the ciphertext is randomised); "
                "filter on its blind index column instead."
            )
        return self.rhs


class EncryptedCharField(models.TextField):
    """A character value stored encrypted (Fernet ciphertext in a text column).

    The Python value is the plaintext. The column cannot be searched or ordered: keep a
    `blind_index` column beside it for exact-value search, and a masked column or `mask(...)` for
    display. `kind` (id_number, phone, …) names what the field holds, for masking and hashing.
    `max_length` limits the plaintext (checked by full_clean)."""

    description = "Encrypted text"

    def __init__(self, *args, kind: str = "", **kwargs):
        self.kind = kind
        self.plain_max_length = kwargs.pop("max_length", None)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)
        if self.plain_max_length:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(self.plain_max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.kind:
            kwargs["kind"] = self.kind
        if self.plain_max_length:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and looks_encrypted(value):
            try:
                return decrypt(value)
            except DecryptionError:
                return value
        return value

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        value = str(value)
        if looks_encrypted(value):  # already ciphertext (bulk paths encrypt with one Fernet)
            return value
        return encrypt(value)

    def value_to_string(self, obj):
        # Serialisers (dumpdata) get the ciphertext, never the plaintext; to_python reads it back.
        value = self.value_from_object(obj)
        return encrypt(value) if value else ""

    def get_lookup(self, lookup_name):
        # Ciphertext is randomised: only "is it empty / null" makes sense on the column. Comparing
        # a value would silently match nothing, so it is refused: use the blind index column.
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"form_class": forms.CharField, "max_length": self.plain_max_length}
        defaults.update(kwargs)
        return super().formfield(**defaults)


MASKED_SUFFIX = "_masked"
HASH_SUFFIX = "_hash"


class PersonalCopiesMixin:
    """For a model whose EncryptedCharFields keep, by naming convention, a masked display copy
    (`<field>_masked`) and, where exact search is needed, a blind index (`<field>_hash`) beside
    them: `save()` fills both from the plaintext (also when `update_fields` names only the encrypted
    field). Bulk paths (bulk_create, bulk_update) call `fill_personal_copies()` themselves.
    List it before `models.Model`: `class Unit(PersonalCopiesMixin, models.Model)`."""

    def _personal_copies(self) -> list[tuple[EncryptedCharField, str, str]]:
        names = {f.name for f in self._meta.concrete_fields}
        return [
            (f, f.name + MASKED_SUFFIX if f.name + MASKED_SUFFIX in names else "",
             f.name + HASH_SUFFIX if f.name + HASH_SUFFIX in names else "")
            for f in self._meta.concrete_fields
            if isinstance(f, EncryptedCharField)
        ]

    def fill_personal_copies(self) -> list[str]:
        """Set every masked copy and blind index from its plaintext; returns the copies' names."""
        filled = []
        for field, masked, hashed in self._personal_copies():
            value = getattr(self, field.attname) or ""
            if masked:
                setattr(self, masked, mask(field.kind, value))
                filled.append(masked)
            if hashed:
                setattr(self, hashed, blind_index(field.kind, value))
                filled.append(hashed)
        return filled

    def save(self, *args, **kwargs):
        self.fill_personal_copies()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {copy for field, *copies in self._personal_copies() if field.name in update_fields
                     for copy in copies if copy}
            if extra:
                kwargs["update_fields"] = {*update_fields, *extra}
        super().save(*args, **kwargs)


def encrypted_fields(app_labels: list[str] | None = None) -> list[tuple[type[models.Model], list[EncryptedCharField]]]:
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if app_labels and model._meta.app_label not in app_labels:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields and not model._meta.proxy:
            found.append((model, fields))
    return found


def rekey_all(
    *, batch_size: int = 1000, progress: Callable[[str, int], None] | None = None, app_labels: list[str] | None = None
) -> dict[str, int]:
    """Re-encrypt every EncryptedCharField column (of the given apps, or all) under the newest
    key, in batches; returns the number of rows rewritten per model label. Reads with any key."""
    from django.db import transaction

    counts: dict[str, int] = {}
    for model, fields in encrypted_fields(app_labels):
        label = model._meta.label
        names = [f.attname for f in fields]
        last_pk = None
        done = 0
        while True:
            qs = model._base_manager.order_by("pk").only("pk", *names)
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            batch = list(qs[:batch_size])
            if not batch:
                break
            with transaction.atomic():
                # The plaintext was read with any key; saving writes it under the newest key.
                model._base_manager.bulk_update(batch, names, batch_size=batch_size)
            done += len(batch)
            last_pk = batch[-1].pk
            if progress:
                progress(label, done)
        counts[label] = done
    return counts


# ---------------------------------------------------------------------------------------------
# Redacting free text and log lines

_ID_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s\-]?)?(1[3-9]\d)[\s\-]?(\d{4})[\s\-]?(\d{4})(?!\d)")


def redact(text: str) -> str:
    """`text` with every ID-number-like and mobile-like digit run masked (for logs, audit notes,
    search terms kept in audit events)."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), str(text))
    return _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


class RedactingLogFilter:
    """A logging filter that masks ID numbers and mobile numbers in log messages (request lines
    with search terms, exception texts). Add it to every handler (settings.LOGGING)."""

    def filter(self, record) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logged as is
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_log_redaction() -> None:
    """Attach RedactingLogFilter to the handlers of the root and django loggers (idempotent)."""
    import logging

    for name in ("", "django", "django.server", "django.request", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        targets = list(logger.handlers) or []
        for target in [logger, *targets]:
            if not any(isinstance(f, RedactingLogFilter) for f in target.filters):
                target.addFilter(RedactingLogFilter())


def encrypt_bytes(data: bytes) -> bytes:
    """Fernet token of a file's bytes (e.g. an upload waiting for a background job)."""
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("stored file cannot be decrypted with the configured keys") from exc
