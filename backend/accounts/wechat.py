"""WeChat's code2Session behind an interface: the mini-program's `wx.login` code is exchanged for the user's
openid (and unionid, session key). settings.WECHAT_ADAPTER names the adapter (a dotted path): the HTTP one in
production, the fake in tests and local use.

WeChat reports errors as HTTP 200 with an `errcode`: an invalid or used code (40029, 40163, 40226) is the
client's problem (400 `wechat_code_invalid`); anything else, or no answer, is a 503 `wechat_unavailable`.
A code is valid five minutes, once.
"""

import hashlib
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, ServiceUnavailable

logger = logging.getLogger(__name__)

# errcodes that mean "this code is no good" rather than "WeChat is not answering".
INVALID_CODE_ERRORS = {40029, 40163, 40226}


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    unionid: str
    session_key: str


class WeChatCodeInvalid(ApplicationError):
    default_code = "wechat_code_invalid"
    default_detail = _("微信登录凭证无效或已使用，请重新登录。")


class WeChatUnavailable(ServiceUnavailable):
    default_code = "wechat_unavailable"
    default_detail = _("微信服务暂不可用，请稍后重试。")


class WeChatAdapter(Protocol):
    appid: str

    def code2session(self, code: str) -> WeChatSession: ...


class HttpWeChatAdapter:
    """The real one: GET https://api.weixin.qq.com/sns/jscode2session with the app's id and secret."""

    def __init__(self, *, appid: str | None = None, secret: str | None = None, base_url: str | None = None):
        self.appid = appid if appid is not None else settings.WECHAT_APPID
        self.secret = secret if secret is not None else settings.WECHAT_SECRET
        self.base_url = (base_url or settings.WECHAT_API_URL).rstrip("/")
        self.timeout = getattr(settings, "WECHAT_TIMEOUT_SECONDS", 5)

    def _get(self, url: str) -> dict:
        """One GET returning the decoded JSON body; separate so a test can replace the transport."""
        with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 - https URL from settings
            return json.loads(response.read().decode("utf-8"))

    def code2session(self, code: str) -> WeChatSession:
        if not self.appid or not self.secret:
            raise WeChatUnavailable()
        query = urllib.parse.urlencode(
            {"appid": self.appid, "secret": self.secret, "js_code": code, "grant_type": "authorization_code"}
        )
        try:
            body = self._get(f"{self.base_url}/sns/jscode2session?{query}")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            logger.warning("wechat code2session failed: %s", exc.__class__.__name__)
            raise WeChatUnavailable() from exc
        errcode = body.get("errcode") or 0
        if errcode in INVALID_CODE_ERRORS:
            raise WeChatCodeInvalid()
        if errcode or not body.get("openid"):
            logger.warning("wechat code2session errcode %s: %s", errcode, body.get("errmsg", ""))
            raise WeChatUnavailable()
        return WeChatSession(
            openid=body["openid"], unionid=body.get("unionid", ""), session_key=body.get("session_key", "")
        )


class FakeWeChatAdapter:
    """Tests and local use: the openid is derived from the code ("fake-openid-<code>"), so the same code is the
    same WeChat user. A code starting with "invalid" is refused like a used one, "unavailable" like an outage."""

    appid = "wx-fake"

    def __init__(self):
        self.appid = settings.WECHAT_APPID or "wx-fake"

    def code2session(self, code: str) -> WeChatSession:
        if code.startswith("invalid"):
            raise WeChatCodeInvalid()
        if code.startswith("unavailable"):
            raise WeChatUnavailable()
        return WeChatSession(
            openid=f"fake-openid-{code}",
            unionid=f"fake-unionid-{code}",
            session_key=hashlib.sha256(code.encode()).hexdigest()[:24],
        )


@cache
def _adapter_class(path: str):
    return import_string(path)


def wechat_adapter() -> WeChatAdapter:
    """The configured adapter (settings.WECHAT_ADAPTER)."""
    return _adapter_class(settings.WECHAT_ADAPTER)()
