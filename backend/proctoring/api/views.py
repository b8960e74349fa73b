"""Routes of proctoring. The physician's (/me/proctoring/..., mini-program tokens): consent, a proposed
reference photo, the next snapshot, write-once upload URLs, registration, app-leave events, the evidence
and appeals. Staff (/proctoring/...): a sitting's proctoring settings (its owner), reference photos (the
physician's institution), the risk-ranked review list, photos beside the reference photo (audited),
verdicts, the second reviewer's confirmation and appeal decisions."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Perm
from core.pagination import PageNumberPagination
from core.permissions import get_actor
from proctoring.api.serializers import (
    ProctoringAppealDecideInput,
    ProctoringAppealFilterInput,
    ProctoringAppealInput,
    ProctoringAppealOutput,
    ProctoringConsentInput,
    ProctoringConsentOutput,
    ProctoringConsentStatusOutput,
    ProctoringConsentTextOutput,
    ProctoringEventInput,
    ProctoringEventOutput,
    ProctoringEvidenceOutput,
    ProctoringNextSnapshotOutput,
    ProctoringPhotoUploadInput,
    ProctoringReferenceDecideInput,
    ProctoringReferenceFilterInput,
    ProctoringReferenceOutput,
    ProctoringReferenceUploadInput,
    ProctoringSessionDetailOutput,
    ProctoringSessionFilterInput,
    ProctoringSessionOutput,
    ProctoringSettingsInput,
    ProctoringSettingsOutput,
    ProctoringSnapshotOutput,
    ProctoringStaffAppealOutput,
    ProctoringStaffVerdictOutput,
    ProctoringUploadUrlInput,
    ProctoringUploadUrlOutput,
    ProctoringVerdictConfirmInput,
    ProctoringVerdictInput,
)
from proctoring.selectors import sessions as selectors
from proctoring.services import config, consent, references, review, snapshots

DEVICE_HEADER = OpenApiParameter(
    "X-Device-Id", str, location=OpenApiParameter.HEADER, required=True, description="the app install's id"
)


def _device(request) -> str:
    return request.headers.get("X-Device-Id", "")


def _valid(serializer_class, data):
    s = serializer_class(data=data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _page(view, request, qs, output):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(output(page, many=True).data)


# --- the physician ------------------------------------------------------------------------------------


class _Physician(APIView):
    miniprogram_allowed = True


class MyConsentTextView(_Physician):
    """The face-capture consent text (zh-CN and English) and its version. 人脸信息采集授权书。"""

    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_proctoring_consent_text", responses=ProctoringConsentTextOutput)
    def get(self, request):
        return Response(ProctoringConsentTextOutput(consent.consent_text_current()).data)


class MyConsentView(_Physician):
    """Whether the sitting is proctored and the caller consented (GET); consent (POST, idempotent)."""

    permission_codes = {"get": Perm.SELF_SERVICE, "post": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_proctoring_consent_status", responses=ProctoringConsentStatusOutput)
    def get(self, request, sitting_id):
        return Response(
            ProctoringConsentStatusOutput(
                consent.consent_status(user=request.user, sitting_id=sitting_id)
            ).data
        )

    @extend_schema(
        operation_id="me_proctoring_consent_give",
        request=ProctoringConsentInput,
        responses={201: ProctoringConsentOutput},
    )
    def post(self, request, sitting_id):
        physician = selectors.physician_for_user(request.user)  # 404 before any validation detail
        selectors.sitting_get_for_physician(user=request.user, physician=physician, sitting_id=sitting_id)
        data = _valid(ProctoringConsentInput, request.data)
        row = consent.consent_give(
            user=request.user, sitting_id=sitting_id, device_id=_device(request), request=request, **data
        )
        return Response(ProctoringConsentOutput(row).data, status=status.HTTP_201_CREATED)


class MyReferenceView(_Physician):
    """The caller's reference photos (GET) and a proposal (POST, multipart `file`): it becomes the
    reference only when the institution approves it."""

    permission_codes = {"get": Perm.SELF_SERVICE, "post": Perm.SELF_SERVICE}
    parser_classes = [MultiPartParser]
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="me_proctoring_references_list", responses=ProctoringReferenceOutput(many=True)
    )
    def get(self, request):
        physician = selectors.physician_for_user(request.user)
        return _page(
            self, request, selectors.my_references(physician_id=physician.id), ProctoringReferenceOutput
        )

    @extend_schema(
        operation_id="me_proctoring_references_propose",
        request={"multipart/form-data": ProctoringPhotoUploadInput},
        responses={201: ProctoringReferenceOutput},
    )
    def post(self, request):
        data = _valid(ProctoringPhotoUploadInput, request.data)
        ref = references.reference_propose(user=request.user, data=data["file"].read(), request=request)
        return Response(ProctoringReferenceOutput(ref).data, status=status.HTTP_201_CREATED)


class MyNextSnapshotView(_Physician):
    """The next snapshot to take (only the next one of the server's random schedule). 下一次抓拍。"""

    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_proctoring_next_snapshot", responses=ProctoringNextSnapshotOutput)
    def get(self, request, attempt_id):
        return Response(
            ProctoringNextSnapshotOutput(
                snapshots.snapshot_next(user=request.user, attempt_id=attempt_id)
            ).data
        )


class MyUploadUrlView(_Physician):
    """A write-once upload URL for the snapshot due now: PUT the exact bytes (their length and SHA-256 are
    signed) with the returned headers before `expires_at`, then register. With `method: "post"` (for
    wx.uploadFile): POST a multipart form with the returned `fields` and the photo in `file_field` (its
    exact type and length are policy conditions), then register; a worker copies the registered object to
    its final key and computes the SHA-256. 获取上传地址。"""

    permission_codes = {"post": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_proctoring_upload_url",
        request=ProctoringUploadUrlInput,
        parameters=[DEVICE_HEADER],
        responses={201: ProctoringUploadUrlOutput},
    )
    def post(self, request, attempt_id):
        s = ProctoringUploadUrlInput(data=request.data)
        if not s.is_valid():
            selectors.my_attempt_get(user=request.user, attempt_id=attempt_id)  # 404 before any detail
            raise ValidationError(s.errors)
        snapshot, upload = snapshots.snapshot_upload_url(
            user=request.user, attempt_id=attempt_id, device_id=_device(request), **s.validated_data
        )
        body = {"snapshot": snapshot.pk, "index": snapshot.index, "upload": upload}
        return Response(ProctoringUploadUrlOutput(body).data, status=status.HTTP_201_CREATED)


class MyRegisterView(_Physician):
    """Register an uploaded snapshot: the server checks the object exists as signed, then analyses it.
    Idempotent. 登记抓拍照片。"""

    permission_codes = {"post": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_proctoring_register",
        request=None,
        parameters=[DEVICE_HEADER],
        responses=ProctoringSnapshotOutput,
    )
    def post(self, request, snapshot_id):
        snapshot = snapshots.snapshot_register(
            user=request.user, snapshot_id=snapshot_id, device_id=_device(request), request=request
        )
        return Response(ProctoringSnapshotOutput(snapshot).data)


class MyEventView(_Physician):
    """The app was hidden (onHide) or shown again (onShow); idempotent per `seq`. 切出记录。"""

    permission_codes = {"post": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_proctoring_event", request=ProctoringEventInput, responses=ProctoringEventOutput
    )
    def post(self, request, attempt_id):
        selectors.my_attempt_get(user=request.user, attempt_id=attempt_id)  # 404 first
        data = _valid(ProctoringEventInput, request.data)
        out = snapshots.event_record(
            user=request.user, attempt_id=attempt_id, kind=data["kind"], seq=data["seq"], client_at=data["at"]
        )
        return Response(ProctoringEventOutput(out).data)


class MyEvidenceView(_Physician):
    """The verdicts in force on the caller's attempt with the photos (short-lived links; audited)."""

    permission_codes = {"get": Perm.SELF_SERVICE}

    @extend_schema(operation_id="me_proctoring_evidence", responses=ProctoringEvidenceOutput)
    def get(self, request, attempt_id):
        out = review.evidence_for_physician(user=request.user, attempt_id=attempt_id, request=request)
        return Response(ProctoringEvidenceOutput(out).data)


class MyAppealView(_Physician):
    """Appeal a verdict on one's own attempt, once, within the window. 申诉。"""

    permission_codes = {"post": Perm.SELF_SERVICE}

    @extend_schema(
        operation_id="me_proctoring_appeal",
        request=ProctoringAppealInput,
        responses={201: ProctoringAppealOutput},
    )
    def post(self, request, verdict_id):
        selectors.my_verdict_get(user=request.user, verdict_id=verdict_id)  # 404 first
        data = _valid(ProctoringAppealInput, request.data)
        appeal = review.appeal_submit(
            user=request.user, verdict_id=verdict_id, reason=data["reason"], request=request
        )
        return Response(ProctoringAppealOutput(appeal).data, status=status.HTTP_201_CREATED)


# --- staff --------------------------------------------------------------------------------------------------


class ProctoringSettingsView(APIView):
    """A sitting's proctoring settings (the organisation that owns the sitting). 监考设置。"""

    permission_codes = {"get": Perm.EXAM_VIEW, "put": Perm.EXAM_MANAGE}

    @extend_schema(operation_id="proctoring_settings_retrieve", responses=ProctoringSettingsOutput)
    def get(self, request, sitting_id):
        sitting, row = selectors.settings_get_for_actor(actor=get_actor(request), sitting_id=sitting_id)
        if row is None:
            body = {
                "sitting": sitting.id,
                "enabled": False,
                "snapshots": 0,
                "appeal_days": 0,
                "retention_days": 0,
            }
            body["updated_at"] = sitting.updated_at
            return Response(body)
        return Response(ProctoringSettingsOutput(row).data)

    @extend_schema(
        operation_id="proctoring_settings_update",
        request=ProctoringSettingsInput,
        responses=ProctoringSettingsOutput,
    )
    def put(self, request, sitting_id):
        selectors.settings_get_for_actor(actor=get_actor(request), sitting_id=sitting_id)  # 404 first
        data = _valid(ProctoringSettingsInput, request.data)
        row = config.settings_set(
            actor=get_actor(request), user=request.user, sitting_id=sitting_id, request=request, **data
        )
        return Response(ProctoringSettingsOutput(row).data)


class ProctoringReferenceListView(APIView):
    """Reference photos of the institution's physicians (GET); upload one (POST multipart `physician`,
    `file`): approved at once, replacing the previous. 底照。"""

    permission_codes = {"get": Perm.PHYSICIAN_MANAGE, "post": Perm.PHYSICIAN_MANAGE}
    parser_classes = [MultiPartParser]
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="proctoring_references_list",
        parameters=[ProctoringReferenceFilterInput],
        responses=ProctoringReferenceOutput(many=True),
    )
    def get(self, request):
        f = _valid(ProctoringReferenceFilterInput, request.query_params)
        qs = selectors.reference_list_for_actor(
            actor=get_actor(request), physician_id=f.get("physician"), status=f["status"]
        )
        return _page(self, request, qs, ProctoringReferenceOutput)

    @extend_schema(
        operation_id="proctoring_references_upload",
        request={"multipart/form-data": ProctoringReferenceUploadInput},
        responses={201: ProctoringReferenceOutput},
    )
    def post(self, request):
        data = _valid(ProctoringReferenceUploadInput, request.data)
        ref = references.reference_upload(
            actor=get_actor(request),
            user=request.user,
            physician_id=data["physician"],
            data=data["file"].read(),
            request=request,
        )
        return Response(ProctoringReferenceOutput(ref).data, status=status.HTTP_201_CREATED)


class ProctoringReferenceDecideView(APIView):
    """Approve or reject a photo a physician proposed. 审核底照。"""

    permission_codes = {"post": Perm.PHYSICIAN_MANAGE}

    @extend_schema(
        operation_id="proctoring_references_decide",
        request=ProctoringReferenceDecideInput,
        responses=ProctoringReferenceOutput,
    )
    def post(self, request, reference_id):
        selectors.reference_get_for_actor(actor=get_actor(request), reference_id=reference_id)  # 404 first
        data = _valid(ProctoringReferenceDecideInput, request.data)
        ref = references.reference_decide(
            actor=get_actor(request), user=request.user, reference_id=reference_id, request=request, **data
        )
        return Response(ProctoringReferenceOutput(ref).data)


class ProctoringSessionListView(APIView):
    """Proctored attempts within reach, riskiest first (flags, face-match score, missing snapshots, times
    the app was left). 监考审核列表。"""

    permission_codes = {"get": Perm.PROCTOR_REVIEW}
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="proctoring_attempts_list",
        parameters=[ProctoringSessionFilterInput],
        responses=ProctoringSessionOutput(many=True),
    )
    def get(self, request):
        f = _valid(ProctoringSessionFilterInput, request.query_params)
        qs = selectors.session_list_for_actor(
            actor=get_actor(request), sitting_id=f.get("sitting"), flagged=f["flagged"], verdict=f["verdict"]
        )
        return _page(self, request, qs, ProctoringSessionOutput)


class ProctoringSessionDetailView(APIView):
    """One attempt's photos (short-lived links) beside the reference photo, flags, scores, verdicts.
    Every view is audited. 查看监考照片。"""

    permission_codes = {"get": Perm.PROCTOR_REVIEW}

    @extend_schema(operation_id="proctoring_attempts_retrieve", responses=ProctoringSessionDetailOutput)
    def get(self, request, attempt_id):
        session = review.session_review_view(
            actor=get_actor(request), user=request.user, attempt_id=attempt_id, request=request
        )
        return Response(ProctoringSessionDetailOutput(session).data)


class ProctoringVerdictView(APIView):
    """Record a warning, or cheating with a reason (a second reviewer confirms). 标记作弊 / 警告。"""

    permission_codes = {"post": Perm.PROCTOR_REVIEW}

    @extend_schema(
        operation_id="proctoring_verdicts_create",
        request=ProctoringVerdictInput,
        responses={201: ProctoringStaffVerdictOutput},
    )
    def post(self, request, attempt_id):
        selectors.session_get_for_actor(actor=get_actor(request), attempt_id=attempt_id)  # 404 first
        data = _valid(ProctoringVerdictInput, request.data)
        verdict = review.verdict_record(
            actor=get_actor(request), user=request.user, attempt_id=attempt_id, request=request, **data
        )
        return Response(ProctoringStaffVerdictOutput(verdict).data, status=status.HTTP_201_CREATED)


class ProctoringVerdictConfirmView(APIView):
    """The second reviewer (another user) confirms a cheating verdict (the attempt is void, the physician
    goes on the make-up path) or dismisses it. 复核作弊认定。"""

    permission_codes = {"post": Perm.PROCTOR_REVIEW}

    @extend_schema(
        operation_id="proctoring_verdicts_confirm",
        request=ProctoringVerdictConfirmInput,
        responses=ProctoringStaffVerdictOutput,
    )
    def post(self, request, verdict_id):
        selectors.verdict_get_for_actor(actor=get_actor(request), verdict_id=verdict_id)  # 404 first
        data = _valid(ProctoringVerdictConfirmInput, request.data)
        verdict = review.verdict_confirm(
            actor=get_actor(request), user=request.user, verdict_id=verdict_id, request=request, **data
        )
        return Response(ProctoringStaffVerdictOutput(verdict).data)


class ProctoringAppealListView(APIView):
    """Appeals within reach. 申诉列表。"""

    permission_codes = {"get": Perm.PROCTOR_REVIEW}
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="proctoring_appeals_list",
        parameters=[ProctoringAppealFilterInput],
        responses=ProctoringStaffAppealOutput(many=True),
    )
    def get(self, request):
        f = _valid(ProctoringAppealFilterInput, request.query_params)
        qs = selectors.appeal_list_for_actor(actor=get_actor(request), status=f.get("status", ""))
        return _page(self, request, qs, ProctoringStaffAppealOutput)


class ProctoringAppealDecideView(APIView):
    """Decide an appeal: upheld or overturned. 处理申诉。"""

    permission_codes = {"post": Perm.PROCTOR_REVIEW}

    @extend_schema(
        operation_id="proctoring_appeals_decide",
        request=ProctoringAppealDecideInput,
        responses=ProctoringStaffAppealOutput,
    )
    def post(self, request, appeal_id):
        selectors.appeal_get_for_actor(actor=get_actor(request), appeal_id=appeal_id)  # 404 first
        data = _valid(ProctoringAppealDecideInput, request.data)
        appeal = review.appeal_decide(
            actor=get_actor(request), user=request.user, appeal_id=appeal_id, request=request, **data
        )
        return Response(ProctoringStaffAppealOutput(appeal).data)
