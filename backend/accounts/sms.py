"""Text messages behind an interface: `send(phone, template, params)`. settings.SMS_ADAPTER names the adapter
(a dotted path): Aliyun's SMS API in production, the fake (messages kept in `outbox`) in tests and local use.

Templates are our names ("wechat_bind_code"); the real adapter maps them to the provider's template codes
(settings.ALIYUN_SMS_TEMPLATES). A failure to send is a 503 `sms_unavailable`.
"""

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceUnavailable

logger = logging.getLogger(__name__)


class SmsUnavailable(ServiceUnavailable):
    default_code = "sms_unavailable"
    default_detail = _("短信发送失败，请稍后重试。")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    template: str
    params: dict = field(default_factory=dict)


class SmsAdapter(Protocol):
    def send(self, phone: str, template: str, params: dict) -> None: ...


# What the fake adapter "sent", newest last; tests read and clear it. In-process only, never shared.
outbox: list[SmsMessage] = []


class FakeSmsAdapter:
    """Tests and local use: keeps the message in `outbox` (and logs that it did, never the parameters)."""

    def send(self, phone: str, template: str, params: dict) -> None:
        outbox.append(SmsMessage(phone=phone, template=template, params=dict(params)))
        logger.info("fake sms %s to ***%s", template, phone[-4:])


def _percent(value: str) -> str:
    """Aliyun's percent-encoding (RFC 3986: space as %20, * as %2A, ~ kept)."""
    return urllib.parse.quote(str(value), safe="~")


class AliyunSmsAdapter:
    """Aliyun SMS (dysmsapi, API version 2017-05-25, action SendSms), RPC style with an HMAC-SHA1 signature."""

    def __init__(self):
        self.endpoint = settings.ALIYUN_SMS_ENDPOINT
        self.key_id = settings.ALIYUN_SMS_ACCESS_KEY_ID
        self.secret = settings.ALIYUN_SMS_ACCESS_KEY_SECRET
        self.sign_name = settings.ALIYUN_SMS_SIGN_NAME
        self.region = settings.ALIYUN_SMS_REGION
        self.templates = settings.ALIYUN_SMS_TEMPLATES
        self.timeout = 5

    def signed_query(self, phone: str, template: str, params: dict, *, nonce=None, timestamp=None) -> str:
        query = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.templates.get(template, ""),
            "TemplateParam": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": timestamp or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        canonical = "&".join(f"{_percent(k)}={_percent(v)}" for k, v in sorted(query.items()))
        to_sign = f"GET&{_percent('/')}&{_percent(canonical)}"
        digest = hmac.new(f"{self.secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        signature = base64.b64encode(digest).decode()
        return f"Signature={_percent(signature)}&{canonical}"

    def _get(self, url: str) -> dict:
        with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 - https URL from settings
            return json.loads(response.read().decode("utf-8"))

    def send(self, phone: str, template: str, params: dict) -> None:
        if not (self.key_id and self.secret and self.sign_name and self.templates.get(template)):
            logger.error("aliyun sms is not configured for template %s", template)
            raise SmsUnavailable()
        url = f"{self.endpoint.rstrip('/')}/?{self.signed_query(phone, template, params)}"
        try:
            body = self._get(url)
        except urllib.error.HTTPError as exc:
            # Aliyun answers errors with 4xx and a JSON body carrying its Code.
            try:
                body = json.loads(exc.read().decode("utf-8"))
            except (ValueError, OSError):
                body = {"Code": f"HTTP{exc.code}"}
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            logger.warning("aliyun sms failed: %s", exc.__class__.__name__)
            raise SmsUnavailable() from exc
        if body.get("Code") != "OK":
            logger.warning("aliyun sms refused: %s %s", body.get("Code"), body.get("Message", ""))
            raise SmsUnavailable()


@cache
def _adapter_class(path: str):
    return import_string(path)


def sms_adapter() -> SmsAdapter:
    """The configured adapter (settings.SMS_ADAPTER)."""
    return _adapter_class(settings.SMS_ADAPTER)()
