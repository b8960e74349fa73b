from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api.serializers import PASSWORD_CHANGE_REASONS


class WeChatLoginInput(serializers.Serializer):
    code = serializers.CharField(max_length=128, help_text="the code from wx.login (valid 5 minutes, once)")


class WeChatLoginOutput(serializers.Serializer):
    """Bound: `status` "logged_in" and a mini-program token pair. Not bound: `status` "not_bound", `code`
    "wechat_not_bound" and a bind ticket for /auth/wechat/bind-code/ and /auth/wechat/bind/."""

    status = serializers.ChoiceField(choices=[("logged_in", "logged_in"), ("not_bound", "not_bound")])
    code = serializers.CharField(allow_null=True)
    access = serializers.CharField(allow_null=True)
    refresh = serializers.CharField(allow_null=True)
    access_expires_at = serializers.DateTimeField(allow_null=True)
    refresh_expires_at = serializers.DateTimeField(allow_null=True)
    must_change_password = serializers.BooleanField()
    password_change_reason = serializers.ChoiceField(choices=PASSWORD_CHANGE_REASONS, allow_null=True)
    bind_ticket = serializers.CharField(allow_null=True)
    bind_ticket_expires_at = serializers.DateTimeField(allow_null=True)


class _AccountIdentifierInput(serializers.Serializer):
    """The physician's account, named by exactly one of ID-card number and licence number."""

    ticket = serializers.CharField(max_length=128)
    id_card_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    licence_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if bool(attrs["id_card_number"].strip()) == bool(attrs["licence_number"].strip()):
            raise serializers.ValidationError(
                {"id_card_number": _("请填写身份证号或执业证书编码中的一项。")}, code="identifier_required"
            )
        return attrs


class WeChatBindCodeRequestInput(_AccountIdentifierInput):
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class WeChatBindCodeRequestOutput(serializers.Serializer):
    detail = serializers.CharField()
    code_expires_in = serializers.IntegerField(help_text="seconds an SMS code stays valid")


class WeChatBindInput(_AccountIdentifierInput):
    code = serializers.CharField(
        max_length=16, help_text="the SMS code or the code issued by the institution"
    )


class WeChatBindingOutput(serializers.Serializer):
    physician_id = serializers.UUIDField()
    has_account = serializers.BooleanField()
    bound = serializers.BooleanField()
    openid_masked = serializers.CharField(allow_null=True)
    bound_at = serializers.DateTimeField(allow_null=True)


class WeChatBindCodeIssuedOutput(serializers.Serializer):
    code = serializers.CharField(help_text="shown once: give it to the physician")
    expires_at = serializers.DateTimeField()
