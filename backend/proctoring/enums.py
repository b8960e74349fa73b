from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceStatus(models.TextChoices):
    PENDING = "pending", _("待机构审核")
    APPROVED = "approved", _("已采用")
    REJECTED = "rejected", _("未通过")
    SUPERSEDED = "superseded", _("已替换")


class ReferenceSource(models.TextChoices):
    INSTITUTION = "institution", _("机构上传")
    PHYSICIAN = "physician", _("医师提交")


class SnapshotStatus(models.TextChoices):
    ISSUED = "issued", _("已发放上传地址")
    REGISTERED = "registered", _("已登记")
    ANALYSED = "analysed", _("已分析")
    MISSING = "missing", _("缺失")


class Flag(models.TextChoices):
    """Flags a snapshot may carry. None of them fails an attempt by itself: a person reviews."""

    NO_FACE = "no_face", _("未检测到人脸")
    MULTIPLE_FACES = "multiple_faces", _("检测到多张人脸")
    NOT_MATCHED = "not_matched", _("与底照不符")
    NO_REFERENCE = "no_reference", _("无可用底照")
    REPEATED_HASH = "repeated_hash", _("照片重复")
    MISSING = "missing", _("未按时抓拍")
    BAD_TYPE = "bad_type", _("不是 JPEG 或 PNG 图片")
    TOO_LARGE = "too_large", _("照片过大")
    TOO_MANY_PIXELS = "too_many_pixels", _("照片像素过多")
    DECODE_ERROR = "decode_error", _("照片无法解码")
    # POST uploads: the staging object changed between registration and the worker's copy (a second POST).
    UPLOAD_REPLACED = "upload_replaced", _("登记后照片被替换")


class UploadMethod(models.TextChoices):
    """How the client uploads a snapshot: a signed write-once PUT (wx.request), or a POST policy to a
    staging key (wx.uploadFile), copied by a worker to the immutable key."""

    PUT = "put", _("PUT 直传")
    POST = "post", _("POST 表单上传")


class EventKind(models.TextChoices):
    HIDE = "hide", _("离开小程序")
    SHOW = "show", _("返回小程序")


class VerdictKind(models.TextChoices):
    WARNING = "warning", _("警告")
    CHEATING = "cheating", _("作弊")


class VerdictStatus(models.TextChoices):
    FINAL = "final", _("已生效")  # a warning
    PENDING = "pending", _("待第二人确认")  # cheating, before the second reviewer
    CONFIRMED = "confirmed", _("已确认")  # cheating: the attempt is void
    DISMISSED = "dismissed", _("未确认")  # the second reviewer did not confirm
    OVERTURNED = "overturned", _("申诉成立，已撤销")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("维持原认定")
    OVERTURNED = "overturned", _("撤销认定")
