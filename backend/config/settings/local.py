"""`make demo`: the embedded services on localhost."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# The outside world is faked on a developer's machine: WeChat logins take any code, SMS land in a list
# (accounts.sms.outbox) and in the log.
WECHAT_ADAPTER = env("WECHAT_ADAPTER", default="accounts.wechat.FakeWeChatAdapter")
SMS_ADAPTER = env("SMS_ADAPTER", default="accounts.sms.FakeSmsAdapter")
