"""Pass certificates: the physician's own, the ones within an institution's or commission's reach (also of
past cycles), printing (a short-lived link to the PDF, issued and rendered on demand), batch generation as a
background job, and the public verification behind the QR code."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts.permissions import Perm
from assessment.api.certificate_serializers import (
    CertificateBatchInput,
    CertificateBatchJobOutput,
    CertificateDownloadOutput,
    CertificateEntryOutput,
    CertificateFilterInput,
    CertificateVerificationOutput,
)
from assessment.enums import ResultLevel
from assessment.selectors import certificates as selectors
from assessment.services import certificates as services
from core.pagination import PageNumberPagination
from core.permissions import get_actor

FILTER_PARAMETERS = [
    OpenApiParameter("cycle", str, description="cycle id"),
    OpenApiParameter("name", str, description="physician name contains"),
    OpenApiParameter("department", str, description="department id"),
]


def _page(view, request, qs):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(CertificateEntryOutput(page, many=True).data)


def _download(request, enrolment):
    url, file_name = services.certificate_download_url(
        enrolment=enrolment, user=request.user, request=request
    )
    return Response(CertificateDownloadOutput({"url": url, "file_name": file_name}).data)


class MyCertificateListView(APIView):
    """The caller's own pass certificates, one per passed cycle (我的合格证明). Web app and mini-program."""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(operation_id="me_certificates_list", responses=CertificateEntryOutput(many=True))
    def get(self, request):
        return _page(self, request, selectors.certificate_entry_list_own(user=request.user))


class MyCertificateDownloadView(APIView):
    """Print one's own certificate: a short-lived link to its PDF (issued and rendered when needed)."""

    permission_codes = {"post": Perm.SELF_SERVICE}
    miniprogram_allowed = True

    @extend_schema(
        operation_id="me_certificates_download", request=None, responses={200: CertificateDownloadOutput}
    )
    def post(self, request, enrolment_id):
        enrolment = selectors.certificate_entry_get_own(user=request.user, enrolment_id=enrolment_id)
        return _download(request, enrolment)


class CertificateListView(APIView):
    """Pass certificates of the physicians within the caller's reach, also of past cycles (合格证明打印)."""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    permission_codes = {"get": Perm.CERTIFICATE_VIEW}

    @extend_schema(
        operation_id="certificates_list",
        parameters=FILTER_PARAMETERS,
        responses=CertificateEntryOutput(many=True),
    )
    def get(self, request):
        filters = CertificateFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        qs = selectors.certificate_entry_list_for_actor(
            actor=get_actor(request),
            cycle_id=data.get("cycle"),
            name=data.get("name", ""),
            department_id=data.get("department"),
        )
        return _page(self, request, qs)


class CertificateDownloadView(APIView):
    """Print a physician's certificate: a short-lived link to its PDF (issued and rendered when needed)."""

    permission_codes = {"post": Perm.CERTIFICATE_VIEW}

    @extend_schema(
        operation_id="certificates_download", request=None, responses={200: CertificateDownloadOutput}
    )
    def post(self, request, enrolment_id):
        enrolment = selectors.certificate_entry_get_for_actor(
            actor=get_actor(request), enrolment_id=enrolment_id
        )
        return _download(request, enrolment)


class CertificateBatchView(APIView):
    """Generate the certificates of a cycle within the caller's reach (or of one organisation in it) as a
    background job with progress (GET /api/v1/jobs/<id>/). Re-running skips what is done."""

    permission_codes = {"post": Perm.CERTIFICATE_ISSUE}

    @extend_schema(
        operation_id="certificates_batch_create",
        request=CertificateBatchInput,
        responses={202: CertificateBatchJobOutput},
    )
    def post(self, request):
        data = CertificateBatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.certificate_batch_start(
            actor=get_actor(request),
            user=request.user,
            cycle_id=data.validated_data["cycle"],
            organization_id=data.validated_data.get("organization"),
            request=request,
        )
        return Response(
            CertificateBatchJobOutput({"id": job.id, "kind": job.kind, "status": job.status}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class CertificateVerifyThrottle(SimpleRateThrottle):
    """Per client IP, whoever asks (the verification needs no login)."""

    scope = "certificate_verify"

    def get_rate(self):
        return settings.CERTIFICATE_VERIFY_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _mask(number: str, keep: int = 4) -> str:
    return "*" * max(len(number) - keep, 0) + number[-keep:]


class CertificateVerifyView(APIView):
    """Public verification of a certificate by the token in its QR code (证书核验): valid or revoked, the
    name and masked numbers, nothing else. An unknown or forged token is a 404."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [CertificateVerifyThrottle]
    miniprogram_allowed = True

    @extend_schema(
        operation_id="certificates_verify", auth=[], responses={200: CertificateVerificationOutput}
    )
    def get(self, request, token):
        certificate = selectors.certificate_get_by_token(token=token)
        enrolment = certificate.enrolment
        physician = enrolment.physician
        revoked_at = certificate.revoked_at
        return Response(
            CertificateVerificationOutput(
                {
                    "valid": revoked_at is None,
                    "status": "revoked" if revoked_at else "valid",
                    "serial": certificate.serial,
                    "name": physician.name,
                    "id_card_masked": physician.id_card_masked,
                    "licence_number_masked": _mask(physician.licence_number),
                    "institution": enrolment.organization.name,
                    "cycle_name": enrolment.cycle.name,
                    "result": ResultLevel(enrolment.result_level or ResultLevel.PASS).label,
                    "issued_on": timezone.localtime(certificate.issued_at).date(),
                    "revoked_on": timezone.localtime(revoked_at).date() if revoked_at else None,
                }
            ).data
        )
