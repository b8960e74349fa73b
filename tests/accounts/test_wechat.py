"""WeChat login for the mini-program: code2Session through the fake adapter, binding to an existing physician
account with a one-time code (SMS through the fake adapter, or issued by the institution), rebinding only by
the institution."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import sms
from accounts.models import AuthToken, BindCode, User, WeChatIdentity
from accounts.roles import Role
from accounts.services import membership_grant
from accounts.sms import AliyunSmsAdapter, SmsUnavailable
from accounts.wechat import HttpWeChatAdapter, WeChatCodeInvalid, WeChatUnavailable
from audit.models import AuditEvent
from physicians.models import Physician
from tests.conftest import PASSWORD, login

LOGIN = "/api/v1/auth/wechat/login/"
BIND_CODE = "/api/v1/auth/wechat/bind-code/"
BIND = "/api/v1/auth/wechat/bind/"
ID_CARD_A = "330102198001011234"  # world.physician_a
LICENCE_A = "110330100000001"
PHONE_A = "13800001111"


@pytest.fixture
def doctor(world, db):
    """world.physician_a with an account of their own (the world's physician has none)."""
    user = User(username="wx_doctor", name="张医生", must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    membership_grant(user=user, organization=world.hospital_a, role=Role.DOCTOR)
    Physician.objects.filter(pk=world.physician_a.pk).update(user=user)
    sms.outbox.clear()
    yield user
    sms.outbox.clear()


@pytest.fixture
def medical_affairs_a(world, db):
    user = User(username="wx_medical_a", name="甲院医务", must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    membership_grant(user=user, organization=world.hospital_a, role=Role.MEDICAL_AFFAIRS)
    return user


def _code() -> str:
    return f"wx-{uuid.uuid4().hex[:12]}"


def _wechat_login(code):
    return APIClient().post(LOGIN, {"code": code}, format="json")


def _ticket(code) -> str:
    body = _wechat_login(code).json()
    assert body["status"] == "not_bound"
    return body["bind_ticket"]


def _request_sms(ticket, **identifier):
    identifier = identifier or {"id_card_number": ID_CARD_A}
    return APIClient().post(BIND_CODE, {"ticket": ticket, **identifier}, format="json")


def _bind(ticket, code, **identifier):
    identifier = identifier or {"id_card_number": ID_CARD_A}
    return APIClient().post(BIND, {"ticket": ticket, "code": code, **identifier}, format="json")


def _sms_code() -> str:
    return sms.outbox[-1].params["code"]


def _bearer(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --- login and SMS binding ----------------------------------------------------------------------------


def test_an_unbound_wechat_gets_a_bind_ticket_and_no_tokens(doctor):
    # when
    response = _wechat_login(_code())
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "not_bound"
    assert body["code"] == "wechat_not_bound"
    assert body["bind_ticket"]
    assert body["access"] is None
    assert body["refresh"] is None
    assert not AuthToken.objects.filter(user=doctor).exists()
    assert AuditEvent.objects.filter(action="wechat.login_not_bound").exists()


def test_sms_bind_end_to_end(world, doctor):
    # given: an unbound WeChat
    wx_code = _code()
    ticket = _ticket(wx_code)
    # when: the physician names their account and gets an SMS code on the phone on file
    sent = _request_sms(ticket, licence_number=LICENCE_A)
    # then
    assert sent.status_code == 202
    [message] = sms.outbox
    assert message.phone == PHONE_A
    assert message.template == "wechat_bind_code"
    assert len(message.params["code"]) == 6
    # when: they bind with it
    bound = _bind(ticket, message.params["code"], licence_number=LICENCE_A)
    # then: bound and logged in with mini-program tokens
    assert bound.status_code == 200, bound.content
    identity = WeChatIdentity.objects.get(user=doctor)
    assert identity.openid == f"fake-openid-{wx_code}"
    access = bound.json()["access"]
    assert AuthToken.objects.filter(user=doctor, client="miniprogram", kind="access").count() == 1
    assert _bearer(access).get("/api/v1/me/").json()["username"] == "wx_doctor"
    assert AuditEvent.objects.filter(action="wechat.bind_code_sent", actor_id=doctor.id).exists()
    event = AuditEvent.objects.get(action="wechat.bound", actor_id=doctor.id)
    assert event.organization_id == world.hospital_a.id
    assert event.data["channel"] == "sms"
    assert message.params["code"] not in json.dumps(event.data)
    # when: the same WeChat logs in again
    again = _wechat_login(wx_code).json()
    # then
    assert again["status"] == "logged_in"
    assert again["code"] is None
    assert _bearer(again["access"]).get("/api/v1/me/").status_code == 200
    assert AuditEvent.objects.filter(action="wechat.login", actor_id=doctor.id).exists()
    # the ticket is spent
    assert _request_sms(ticket).json()["errors"][0]["code"] == "bind_ticket_invalid"


def test_wechat_tokens_are_refused_on_staff_endpoints(doctor):
    # given
    ticket = _ticket(_code())
    _request_sms(ticket)
    access = _bind(ticket, _sms_code()).json()["access"]
    # when
    response = _bearer(access).get("/api/v1/regions/")
    # then
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "token_scope"


def test_the_bind_code_reply_never_says_whether_the_physician_exists(doctor):
    # given
    ticket = _ticket(_code())
    # when
    known = _request_sms(ticket, id_card_number=ID_CARD_A)
    sms.outbox.clear()
    unknown = _request_sms(ticket, id_card_number="110101199003074516")
    # then
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert sms.outbox == []


def test_a_physician_without_an_account_gets_no_sms(world, db):
    # given: world.physician_b has no account
    sms.outbox.clear()
    ticket = _ticket(_code())
    # when
    response = _request_sms(ticket, licence_number="110330200000002")
    # then
    assert response.status_code == 202
    assert sms.outbox == []


def test_a_phone_other_than_the_one_on_file_gets_no_sms(doctor):
    # given
    ticket = _ticket(_code())
    # when
    response = _request_sms(ticket, id_card_number=ID_CARD_A, phone="13912345678")
    # then
    assert response.status_code == 202
    assert sms.outbox == []
    assert not BindCode.objects.filter(user=doctor).exists()


def test_sms_codes_are_rate_limited_per_account_and_per_ticket(doctor):
    # given
    ticket = _ticket(_code())
    # when: asked twice within a minute
    _request_sms(ticket)
    second = _request_sms(ticket)
    # then: one SMS, the same reply
    assert second.status_code == 202
    assert len(sms.outbox) == 1
    assert BindCode.objects.filter(user=doctor).count() == 1
    # and one ticket may ask only a few times
    _request_sms(ticket)
    throttled = _request_sms(ticket)
    assert throttled.status_code == 429
    assert throttled.json()["errors"][0]["code"] == "bind_code_throttled"


def test_five_wrong_codes_exhaust_the_code(doctor):
    # given
    ticket = _ticket(_code())
    _request_sms(ticket)
    right = _sms_code()
    wrong = "000000" if right != "000000" else "111111"
    # when
    for _ in range(5):
        response = _bind(ticket, wrong)
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "bind_code_invalid"
    late = _bind(ticket, right)
    # then: the right code no longer works
    assert late.status_code == 400
    assert late.json()["errors"][0]["code"] == "bind_code_invalid"
    assert BindCode.objects.get(user=doctor).attempts == 5
    assert not WeChatIdentity.objects.filter(user=doctor).exists()
    assert AuditEvent.objects.filter(action="wechat.bind_failed", actor_id=doctor.id).count() == 6


def test_an_expired_code_is_refused(doctor):
    # given
    ticket = _ticket(_code())
    _request_sms(ticket)
    BindCode.objects.filter(user=doctor).update(expires_at=timezone.now() - timedelta(seconds=1))
    # when
    response = _bind(ticket, _sms_code())
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bind_code_invalid"
    assert not WeChatIdentity.objects.filter(user=doctor).exists()


def test_an_sms_code_lives_ten_minutes(doctor):
    # when
    _request_sms(_ticket(_code()))
    # then
    code = BindCode.objects.get(user=doctor)
    assert timedelta(minutes=9) < code.expires_at - code.created_at <= timedelta(minutes=10)
    assert code.channel == "sms"
    assert code.code_hash != _sms_code()


def test_a_code_is_used_once(world, doctor, medical_affairs_a):
    # given: bound with an SMS code, then unbound by the institution
    ticket = _ticket(_code())
    _request_sms(ticket)
    code = _sms_code()
    assert _bind(ticket, code).status_code == 200
    assert (
        login("wx_medical_a").delete(f"/api/v1/physicians/{world.physician_a.id}/wechat/").status_code == 204
    )
    # when: the same code is tried again from another WeChat
    response = _bind(_ticket(_code()), code)
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bind_code_invalid"
    assert not WeChatIdentity.objects.filter(user=doctor).exists()


def test_the_password_never_binds(doctor):
    # given: someone who knows the ID-card number and the password
    ticket = _ticket(_code())
    # when
    response = _bind(ticket, PASSWORD)
    missing = APIClient().post(BIND, {"ticket": ticket, "id_card_number": ID_CARD_A}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bind_code_invalid"
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["attr"] == "code"
    assert not WeChatIdentity.objects.filter(user=doctor).exists()


def test_bind_needs_a_valid_ticket(doctor):
    # when
    response = _bind("not-a-ticket", "123456")
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bind_ticket_invalid"


def test_an_invalid_wechat_code_is_a_clear_error(db):
    # when
    invalid = _wechat_login("invalid-code")
    down = APIClient(raise_request_exception=False).post(LOGIN, {"code": "unavailable-now"}, format="json")
    # then
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["code"] == "wechat_code_invalid"
    assert down.status_code == 503
    assert down.json()["errors"][0]["code"] == "wechat_unavailable"


def test_an_inactive_account_cannot_log_in_with_wechat(doctor):
    # given
    wx_code = _code()
    ticket = _ticket(wx_code)
    _request_sms(ticket)
    assert _bind(ticket, _sms_code()).status_code == 200
    User.objects.filter(pk=doctor.pk).update(is_active=False)
    # when
    response = _wechat_login(wx_code)
    # then
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "login_failed"


# --- the institution ----------------------------------------------------------------------------------


def test_an_institution_issued_code_binds(world, doctor, medical_affairs_a):
    # given
    staff = login("wx_medical_a")
    issued = staff.post(f"/api/v1/physicians/{world.physician_a.id}/wechat/bind-code/")
    assert issued.status_code == 201
    code = issued.json()["code"]
    assert len(code) == 8
    stored = BindCode.objects.get(user=doctor)
    assert stored.channel == "institution"
    assert stored.issued_by_id == medical_affairs_a.id
    assert timedelta(hours=71) < stored.expires_at - timezone.now() <= timedelta(hours=72)
    event = AuditEvent.objects.get(action="wechat.bind_code_issued", actor_id=medical_affairs_a.id)
    assert event.organization_id == world.hospital_a.id
    assert code not in json.dumps(event.data)
    # when: the physician binds with it (typed in lower case)
    bound = _bind(_ticket(_code()), code.lower(), licence_number=LICENCE_A)
    # then
    assert bound.status_code == 200, bound.content
    assert WeChatIdentity.objects.filter(user=doctor).exists()
    status = staff.get(f"/api/v1/physicians/{world.physician_a.id}/wechat/").json()
    assert status["bound"] is True
    assert status["openid_masked"].startswith("fake")
    assert "*" in status["openid_masked"]
    assert AuditEvent.objects.get(action="wechat.bound", actor_id=doctor.id).data["channel"] == "institution"


def test_a_new_institution_code_replaces_the_earlier_one(world, doctor, medical_affairs_a):
    # given
    staff = login("wx_medical_a")
    first = staff.post(f"/api/v1/physicians/{world.physician_a.id}/wechat/bind-code/").json()["code"]
    staff.post(f"/api/v1/physicians/{world.physician_a.id}/wechat/bind-code/")
    # when
    response = _bind(_ticket(_code()), first)
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "bind_code_invalid"


def test_rebind_is_unbind_by_the_institution_then_a_new_code(world, doctor, medical_affairs_a):
    # given: bound to one WeChat, with a mini-program session
    ticket = _ticket(_code())
    _request_sms(ticket)
    old_session = _bearer(_bind(ticket, _sms_code()).json()["access"])
    staff = login("wx_medical_a")
    url = f"/api/v1/physicians/{world.physician_a.id}/wechat/"
    # the physician cannot bind another WeChat by themselves: no SMS goes to a bound account
    sms.outbox.clear()
    _request_sms(_ticket(_code()))
    assert sms.outbox == []
    # an institution code is refused while bound
    refused = staff.post(url + "bind-code/")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "wechat_already_bound"
    # when: the institution unbinds and issues a new code
    assert staff.delete(url).status_code == 204
    code = staff.post(url + "bind-code/").json()["code"]
    new_wx = _code()
    rebound = _bind(_ticket(new_wx), code)
    # then
    assert rebound.status_code == 200
    assert WeChatIdentity.objects.get(user=doctor).openid == f"fake-openid-{new_wx}"
    assert old_session.get("/api/v1/me/").status_code == 401
    assert AuditEvent.objects.filter(action="wechat.unbound", actor_id=medical_affairs_a.id).exists()
    assert staff.get(url).json()["bound"] is True


def test_unbinding_an_unbound_physician_is_a_conflict(world, doctor, medical_affairs_a):
    # when
    response = login("wx_medical_a").delete(f"/api/v1/physicians/{world.physician_a.id}/wechat/")
    # then
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "wechat_not_bound"


def test_a_physician_without_an_account_cannot_get_a_code(world, db):
    # when: world.physician_b has no account
    response = login("admin_b").post(f"/api/v1/physicians/{world.physician_b.id}/wechat/bind-code/")
    # then
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "physician_has_no_account"


@pytest.mark.parametrize(
    ("username", "status"),
    [
        (None, 401),  # anonymous
        ("doctor_a", 403),  # no permission
        ("city_x_admin", 403),  # a commission: no permission to manage WeChat bindings
        ("admin_b", 404),  # another hospital
    ],
)
def test_only_the_own_institution_manages_the_binding(world, doctor, username, status):
    # given: bound
    ticket = _ticket(_code())
    _request_sms(ticket)
    assert _bind(ticket, _sms_code()).status_code == 200
    client = login(username) if username else APIClient()
    url = f"/api/v1/physicians/{world.physician_a.id}/wechat/"
    codes_before = BindCode.objects.filter(user=doctor).count()
    # when
    responses = [client.get(url), client.delete(url), client.post(url + "bind-code/")]
    # then
    assert [r.status_code for r in responses] == [status, status, status]
    assert WeChatIdentity.objects.filter(user=doctor).exists()
    assert BindCode.objects.filter(user=doctor).count() == codes_before
    assert not AuditEvent.objects.filter(action__in=["wechat.unbound", "wechat.bind_code_issued"]).exists()


def test_the_own_hospital_admin_sees_the_binding(world, doctor):
    # when
    response = login("admin_a").get(f"/api/v1/physicians/{world.physician_a.id}/wechat/")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "physician_id": str(world.physician_a.id),
        "has_account": True,
        "bound": False,
        "openid_masked": None,
        "bound_at": None,
    }


# --- adapters -----------------------------------------------------------------------------------------


class _Transport:
    def __init__(self, body):
        self.body = body
        self.urls = []

    def __call__(self, url):
        self.urls.append(url)
        if isinstance(self.body, Exception):
            raise self.body
        return self.body


def test_the_http_wechat_adapter_calls_code2session_and_maps_errors():
    adapter = HttpWeChatAdapter(appid="wx123", secret="s3cret", base_url="https://api.weixin.qq.com")
    ok = _Transport({"openid": "o-1", "unionid": "u-1", "session_key": "k"})
    adapter._get = ok
    session = adapter.code2session("the-code")
    assert session.openid == "o-1"
    assert session.unionid == "u-1"
    assert ok.urls[0].startswith("https://api.weixin.qq.com/sns/jscode2session?")
    assert "js_code=the-code" in ok.urls[0]
    assert "grant_type=authorization_code" in ok.urls[0]
    adapter._get = _Transport({"errcode": 40163, "errmsg": "code been used"})
    with pytest.raises(WeChatCodeInvalid):
        adapter.code2session("x")
    adapter._get = _Transport({"errcode": -1, "errmsg": "system busy"})
    with pytest.raises(WeChatUnavailable):
        adapter.code2session("x")
    adapter._get = _Transport(TimeoutError())
    with pytest.raises(WeChatUnavailable):
        adapter.code2session("x")


def test_the_aliyun_sms_adapter_signs_the_request_and_maps_errors(settings):
    settings.ALIYUN_SMS_ACCESS_KEY_ID = "testid"
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "testsecret"
    settings.ALIYUN_SMS_SIGN_NAME = "阿里云短信测试"
    settings.ALIYUN_SMS_TEMPLATES = {"wechat_bind_code": "SMS_154950909"}
    adapter = AliyunSmsAdapter()
    ok = _Transport({"Code": "OK", "Message": "OK", "BizId": "1"})
    adapter._get = ok
    adapter.send("13800001111", "wechat_bind_code", {"code": "123456"})
    url = ok.urls[0]
    assert url.startswith("https://dysmsapi.aliyuncs.com/?Signature=")
    assert "Action=SendSms" in url
    assert "TemplateCode=SMS_154950909" in url
    assert "TemplateParam=%7B%22code%22%3A%22123456%22%7D" in url
    # deterministic for a fixed nonce and time
    once = adapter.signed_query("1", "wechat_bind_code", {}, nonce="n", timestamp="2026-01-01T00:00:00Z")
    assert once == adapter.signed_query(
        "1", "wechat_bind_code", {}, nonce="n", timestamp="2026-01-01T00:00:00Z"
    )
    adapter._get = _Transport({"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "limit"})
    with pytest.raises(SmsUnavailable):
        adapter.send("13800001111", "wechat_bind_code", {"code": "1"})
    settings.ALIYUN_SMS_TEMPLATES = {}
    with pytest.raises(SmsUnavailable):
        AliyunSmsAdapter().send("13800001111", "wechat_bind_code", {"code": "1"})
