"""Credentialing's tenant API (/h/<slug>/api/v1/credentialing/..., and /h/<slug>/api/v1/privilege-check/ for
the hospital's systems)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import BearerTokenAuthentication
from accounts.permissions import Perm
from archives.models import ArchiveCertificate, CareerEntry
from core import xlsx
from core.errors import ApplicationError, NotFound, PermissionDenied
from core.pagination import PageNumberPagination
from core.permissions import TenantAccess, get_actor
from credentialing import selectors
from credentialing.api import serializers as s
from credentialing.models import DrugClass, Grant, PrivilegeKind, SpecialPractice
from credentialing.services import catalogue, check, imports, privileges, reassessment
from jobs.services import job_start


def _paginated(view, request, qs, serializer, context=None, context_fn=None):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    ctx = context_fn(page) if context_fn else (context or {})
    return paginator.get_paginated_response(serializer(page, many=True, context=ctx).data)


def _org(request):
    return request.tenant.organization_id


def _job(request, kind, params=None, upload=None, status_code=status.HTTP_202_ACCEPTED):
    job = job_start(
        kind=kind,
        user=request.user,
        organization_id=_org(request),
        params={"schema": request.tenant.schema_name, **(params or {})},
        upload=upload,
        request=request,
    )
    return Response(
        s.CredJobOutput({"id": job.id, "kind": job.kind, "status": job.status}).data, status=status_code
    )


def _physicians(rows, attr="physician_id"):
    from physicians.selectors import physicians_by_ids

    return {"physicians": physicians_by_ids({getattr(r, attr) for r in rows})}


# Who may read applications and grants (rows are then scoped by the selectors: own, department, hospital).
READ_CODES = (Perm.CREDENTIALING_APPLY, Perm.CREDENTIALING_VIEW, Perm.CREDENTIALING_MANAGE)


def _require_any(request, *codes):
    actor = get_actor(request)
    if not any(actor.has(c) for c in codes):
        raise PermissionDenied()
    return actor


# --- catalogue ---------------------------------------------------------------------------------------------


class CatalogueItemListView(APIView):
    """The hospital catalogue (院级技术目录): every member of the hospital reads it; medical affairs edits."""

    pagination_class = PageNumberPagination
    permission_codes = {"post": Perm.CREDENTIALING_MANAGE}

    @extend_schema(
        operation_id="credentialing_items_list",
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("category", str),
            OpenApiParameter("grade", int),
            OpenApiParameter("active", bool),
        ],
        responses=s.CatalogueItemOutput(many=True),
    )
    def get(self, request):
        q = request.query_params
        grade = q.get("grade")
        qs = selectors.item_list(
            search=q.get("search", ""),
            category=q.get("category", ""),
            grade=int(grade) if grade and grade.isdigit() else None,
            active={"true": True, "false": False}.get(q.get("active", "")),
        )
        return _paginated(self, request, qs, s.CatalogueItemOutput)

    @extend_schema(
        operation_id="credentialing_items_create",
        request=s.CatalogueItemInput,
        responses={201: s.CatalogueItemOutput},
    )
    def post(self, request):
        data = s.CatalogueItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = catalogue.item_create(user=request.user, request=request, **data.validated_data)
        return Response(s.CatalogueItemOutput(item).data, status=status.HTTP_201_CREATED)


class CatalogueItemDetailView(APIView):
    permission_codes = {"patch": Perm.CREDENTIALING_MANAGE}

    @extend_schema(operation_id="credentialing_items_retrieve", responses=s.CatalogueItemOutput)
    def get(self, request, item_id):
        return Response(s.CatalogueItemOutput(selectors.item_get(item_id=item_id)).data)

    @extend_schema(
        operation_id="credentialing_items_update",
        request=s.CatalogueItemUpdateInput,
        responses=s.CatalogueItemOutput,
    )
    def patch(self, request, item_id):
        data = s.CatalogueItemUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = catalogue.item_update(
            user=request.user, item_id=item_id, request=request, **data.validated_data
        )
        return Response(s.CatalogueItemOutput(item).data)


class CatalogueImportView(APIView):
    """Import the hospital catalogue from .xlsx (院内编码, 名称, 类别, 手术级别, 国家/省级编码与级别): a job; one bad row
    fails the file with a row report and nothing is written."""

    parser_classes = [MultiPartParser, FormParser]
    permission_codes = {"post": Perm.CREDENTIALING_MANAGE}

    @extend_schema(
        operation_id="credentialing_items_import",
        request={"multipart/form-data": s.CredFileInput},
        responses={202: s.CredJobOutput},
    )
    def post(self, request):
        upload = request.FILES.get("file")
        xlsx.check_xlsx_upload(upload)
        return _job(request, "credentialing.catalogue_import", upload=upload)


class CatalogueExportView(APIView):
    permission_codes = {"post": Perm.CREDENTIALING_VIEW}

    @extend_schema(operation_id="credentialing_items_export", request=None, responses={202: s.CredJobOutput})
    def post(self, request):
        return _job(request, "credentialing.catalogue_export")


class TitleRulesView(APIView):
    """The lowest title per surgical grade (configurable; defaults 1 住院医师, 2 主治医师, 3 副主任医师, 4 主任医师)."""

    permission_codes = {"put": Perm.CREDENTIALING_MANAGE}

    def _out(self, rules):
        return {
            "rules": [
                {"grade": g, "min_rank": r, "min_title": catalogue.RANK_NAMES[r]}
                for g, r in sorted(rules.items())
            ]
        }

    @extend_schema(operation_id="credentialing_title_rules", responses=s.TitleRulesInput)
    def get(self, request):
        return Response(self._out(catalogue.title_rules()))

    @extend_schema(
        operation_id="credentialing_title_rules_set", request=s.TitleRulesInput, responses=s.TitleRulesInput
    )
    def put(self, request):
        data = s.TitleRulesInput(data=request.data)
        data.is_valid(raise_exception=True)
        rules = catalogue.title_rules_set(
            user=request.user,
            rules={r["grade"]: r["min_rank"] for r in data.validated_data["rules"]},
            request=request,
        )
        return Response(self._out(rules))


class SettingsView(APIView):
    """The hospital's credentialing settings: how anaesthesia privileges are applied for (catalogue, grade, both)."""

    permission_codes = {"put": Perm.CREDENTIALING_MANAGE}

    @extend_schema(operation_id="credentialing_settings", responses=s.CredentialingSettingsSerializer)
    def get(self, request):
        return Response({"anaesthesia_mode": catalogue.settings_get().anaesthesia_mode})

    @extend_schema(
        operation_id="credentialing_settings_set",
        request=s.CredentialingSettingsSerializer,
        responses=s.CredentialingSettingsSerializer,
    )
    def put(self, request):
        data = s.CredentialingSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        current = catalogue.settings_set(user=request.user, request=request, **data.validated_data)
        return Response({"anaesthesia_mode": current.anaesthesia_mode})


class ExamRequirementView(APIView):
    """Which hospital exam (blueprint ID) must be passed before applying, per kind (`prescribing:antimicrobial`)."""

    pagination_class = PageNumberPagination
    permission_codes = {"put": Perm.CREDENTIALING_MANAGE}

    @extend_schema(
        operation_id="credentialing_exam_requirements", responses=s.ExamRequirementOutput(many=True)
    )
    def get(self, request):
        from credentialing.models import ExamRequirement

        return _paginated(self, request, ExamRequirement.objects.order_by("key"), s.ExamRequirementOutput)

    @extend_schema(
        operation_id="credentialing_exam_requirements_set",
        request=s.ExamRequirementInput,
        responses={204: None},
    )
    def put(self, request):
        data = s.ExamRequirementInput(data=request.data)
        data.is_valid(raise_exception=True)
        catalogue.exam_requirement_set(user=request.user, request=request, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DepartmentItemListView(APIView):
    """Department catalogues (科级技术目录): a department asks for items of the hospital catalogue; medical
    affairs approves through the approvals engine. A department head reads and asks for their own department."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.CREDENTIALING_VIEW, "post": Perm.DEPARTMENT_CATALOGUE}

    @extend_schema(
        operation_id="credentialing_department_items_list",
        parameters=[OpenApiParameter("department_id", str), OpenApiParameter("status", str)],
        responses=s.DepartmentItemOutput(many=True),
    )
    def get(self, request):
        qs = selectors.department_item_list_for_actor(
            actor=get_actor(request),
            department_id=request.query_params.get("department_id") or None,
            status=request.query_params.get("status", ""),
        )
        return _paginated(self, request, qs, s.DepartmentItemOutput)

    @extend_schema(
        operation_id="credentialing_department_items_request",
        request=s.DepartmentItemInput,
        responses={201: s.DepartmentItemOutput},
    )
    def post(self, request):
        data = s.DepartmentItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        line = catalogue.department_item_request(
            actor=get_actor(request), user=request.user, request=request, **data.validated_data
        )
        return Response(s.DepartmentItemOutput(line).data, status=status.HTTP_201_CREATED)


class DepartmentItemRemoveView(APIView):
    """A department keeps its own catalogue (科室自行维护): its head removes a line of their department, medical
    affairs any line."""

    permission_codes = {"post": Perm.DEPARTMENT_CATALOGUE}

    @extend_schema(
        operation_id="credentialing_department_items_remove", request=None, responses=s.DepartmentItemOutput
    )
    def post(self, request, line_id):
        selectors.department_item_get_for_actor(actor=get_actor(request), line_id=line_id)
        line = catalogue.department_item_remove(
            actor=get_actor(request), user=request.user, line_id=line_id, request=request
        )
        return Response(s.DepartmentItemOutput(line).data)


# --- applications ------------------------------------------------------------------------------------------


def _application_context(rows):
    from approvals.selectors import approval_requests_for_subjects

    latest = approval_requests_for_subjects(
        type_code="credentialing.privilege", subject_ids=[r.pk for r in rows if r.approval_request_id]
    )
    approvals = {r.approval_request_id: latest[r.pk] for r in rows if r.pk in latest}
    return {**_physicians(rows), "approvals": approvals}


class ApplicationFormsView(APIView):
    """Each application type's own form: the fields it requires and the levels it offers."""

    @extend_schema(
        operation_id="credentialing_application_forms", responses=s.FormDefinitionOutput(many=True)
    )
    def get(self, request):
        out = []
        for kind in PrivilegeKind:
            if kind == PrivilegeKind.PRESCRIBING:
                for drug in DrugClass:
                    out.append(
                        {
                            "key": f"prescribing:{drug.value}",
                            "kind": kind.value,
                            "label": str(drug.label),
                            "fields": privileges.form_fields(kind, drug.value),
                            "levels": privileges.LEVELS.get(drug, []),
                        }
                    )
            elif kind == PrivilegeKind.SPECIAL:
                for special in SpecialPractice:
                    out.append(
                        {
                            "key": f"special:{special.value}",
                            "kind": kind.value,
                            "label": str(special.label),
                            "fields": privileges.form_fields(kind, special=special.value),
                            "levels": [],
                        }
                    )
            else:
                out.append(
                    {
                        "key": kind.value,
                        "kind": kind.value,
                        "label": str(kind.label),
                        "fields": privileges.form_fields(kind),
                        "levels": [],
                    }
                )
        return Response(s.FormDefinitionOutput(out, many=True).data)


class ApplicationListView(APIView):
    """Privilege applications: a physician lists and submits their own (or medical affairs for a physician);
    medical affairs reads all, a department head their department's. Approval runs in the approvals engine."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": READ_CODES, "post": (Perm.CREDENTIALING_APPLY, Perm.CREDENTIALING_MANAGE)}

    @extend_schema(
        operation_id="credentialing_applications_list",
        parameters=[
            OpenApiParameter("mine", bool),
            OpenApiParameter("status", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("physician_id", str),
        ],
        responses=s.ApplicationOutput(many=True),
    )
    def get(self, request):
        actor = get_actor(request)
        q = request.query_params
        qs = selectors.application_list_for_actor(
            actor=actor,
            user=request.user,
            organization_id=_org(request),
            mine=q.get("mine") == "true",
            status=q.get("status", ""),
            kind=q.get("kind", ""),
            physician_id=q.get("physician_id") or None,
        )
        return _paginated(self, request, qs, s.ApplicationOutput, context_fn=_application_context)

    @extend_schema(
        operation_id="credentialing_applications_submit",
        request=s.ApplicationInput,
        responses={201: s.ApplicationOutput},
    )
    def post(self, request):
        actor = get_actor(request)
        data = s.ApplicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        application = privileges.application_submit(
            actor=actor, user=request.user, request=request, **data.validated_data
        )
        return Response(
            s.ApplicationOutput(application, context=_application_context([application])).data,
            status=status.HTTP_201_CREATED,
        )


class ApplicationDetailView(APIView):
    permission_codes = {"get": READ_CODES}

    @extend_schema(operation_id="credentialing_applications_retrieve", responses=s.ApplicationOutput)
    def get(self, request, application_id):
        actor = get_actor(request)
        application = selectors.application_get_for_actor(
            actor=actor, user=request.user, organization_id=_org(request), application_id=application_id
        )
        return Response(s.ApplicationOutput(application, context=_application_context([application])).data)


# --- grants ------------------------------------------------------------------------------------------------


class GrantListView(APIView):
    pagination_class = PageNumberPagination
    permission_codes = {"get": READ_CODES}

    @extend_schema(
        operation_id="credentialing_grants_list",
        parameters=[
            OpenApiParameter("mine", bool),
            OpenApiParameter("status", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("physician_id", str),
            OpenApiParameter("item_id", str),
        ],
        responses=s.GrantOutput(many=True),
    )
    def get(self, request):
        actor = get_actor(request)
        q = request.query_params
        qs = selectors.grant_list_for_actor(
            actor=actor,
            user=request.user,
            organization_id=_org(request),
            mine=q.get("mine") == "true",
            status=q.get("status", ""),
            kind=q.get("kind", ""),
            physician_id=q.get("physician_id") or None,
            item_id=q.get("item_id") or None,
        )
        return _paginated(self, request, qs, s.GrantOutput, context_fn=_physicians)


class GrantDetailView(APIView):
    permission_codes = {"get": READ_CODES}

    @extend_schema(operation_id="credentialing_grants_retrieve", responses=s.GrantDetailOutput)
    def get(self, request, grant_id):
        actor = get_actor(request)
        grant = selectors.grant_get_for_actor(
            actor=actor, user=request.user, organization_id=_org(request), grant_id=grant_id
        )
        return Response(s.GrantDetailOutput(grant, context=_physicians([grant])).data)


class GrantActionView(APIView):
    """adjust (validity, scope note, prescribing level), suspend, resume, revoke (动态调整、暂停、恢复、终止)."""

    permission_codes = {"post": Perm.CREDENTIALING_MANAGE}
    action_name = ""

    def post(self, request, grant_id):
        actor = get_actor(request)
        selectors.grant_get_for_actor(
            actor=actor, user=request.user, organization_id=_org(request), grant_id=grant_id
        )
        if self.action_name == "adjust":
            data = s.GrantAdjustInput(data=request.data)
            data.is_valid(raise_exception=True)
            grant = privileges.grant_adjust(
                user=request.user, grant_id=grant_id, request=request, **data.validated_data
            )
        elif self.action_name == "resume":
            grant = privileges.grant_resume(user=request.user, grant_id=grant_id, request=request)
        else:
            data = s.GrantReasonInput(data=request.data)
            data.is_valid(raise_exception=True)
            if self.action_name == "suspend":
                grant = privileges.grant_suspend(
                    user=request.user, grant_id=grant_id, request=request, **data.validated_data
                )
            else:
                grant = privileges.grant_revoke(
                    user=request.user,
                    grant_id=grant_id,
                    reason=data.validated_data["reason"],
                    request=request,
                )
        return Response(s.GrantDetailOutput(grant, context=_physicians([grant])).data)


def _grant_action(name, request_serializer):
    @extend_schema(
        operation_id=f"credentialing_grants_{name}", request=request_serializer, responses=s.GrantDetailOutput
    )
    def post(self, request, grant_id):
        return GrantActionView.post(self, request, grant_id)

    return type(f"Grant{name.title()}View", (GrantActionView,), {"action_name": name, "post": post})


GrantAdjustView = _grant_action("adjust", s.GrantAdjustInput)
GrantSuspendView = _grant_action("suspend", s.GrantReasonInput)
GrantResumeView = _grant_action("resume", None)
GrantRevokeView = _grant_action("revoke", s.GrantReasonInput)


class SecondmentListView(APIView):
    """Secondments (下乡, 进修): the physician's grants are suspended for the dates."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.CREDENTIALING_MANAGE, "post": Perm.CREDENTIALING_MANAGE}

    @extend_schema(
        operation_id="credentialing_secondments_list",
        parameters=[OpenApiParameter("physician_id", str)],
        responses=s.SecondmentOutput(many=True),
    )
    def get(self, request):
        qs = selectors.secondment_list(physician_id=request.query_params.get("physician_id") or None)
        return _paginated(self, request, qs, s.SecondmentOutput)

    @extend_schema(
        operation_id="credentialing_secondments_create",
        request=s.SecondmentInput,
        responses={201: s.SecondmentOutput},
    )
    def post(self, request):
        data = s.SecondmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        secondment = privileges.secondment_create(user=request.user, request=request, **data.validated_data)
        return Response(s.SecondmentOutput(secondment).data, status=status.HTTP_201_CREATED)


class SecondmentCancelView(APIView):
    permission_codes = {"post": Perm.CREDENTIALING_MANAGE}

    @extend_schema(
        operation_id="credentialing_secondments_cancel", request=None, responses=s.SecondmentOutput
    )
    def post(self, request, secondment_id):
        secondment = privileges.secondment_cancel(
            user=request.user, secondment_id=secondment_id, request=request
        )
        return Response(s.SecondmentOutput(secondment).data)


# --- API keys and the privilege check ------------------------------------------------------------------------


class ApiKeyListView(APIView):
    """API keys of the hospital's systems (HIS, anaesthesia): the key is shown once at creation."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.PRIVILEGE_API_KEYS, "post": Perm.PRIVILEGE_API_KEYS}

    @extend_schema(operation_id="credentialing_api_keys_list", responses=s.ApiKeyOutput(many=True))
    def get(self, request):
        return _paginated(self, request, selectors.api_key_list(), s.ApiKeyOutput)

    @extend_schema(
        operation_id="credentialing_api_keys_create",
        request=s.ApiKeyInput,
        responses={201: s.ApiKeyCreatedOutput},
    )
    def post(self, request):
        data = s.ApiKeyInput(data=request.data)
        data.is_valid(raise_exception=True)
        key, raw = check.api_key_create(user=request.user, name=data.validated_data["name"], request=request)
        out = s.ApiKeyOutput(key).data
        return Response({**out, "key": raw}, status=status.HTTP_201_CREATED)


class ApiKeyRevokeView(APIView):
    permission_codes = {"post": Perm.PRIVILEGE_API_KEYS}

    @extend_schema(operation_id="credentialing_api_keys_revoke", request=None, responses=s.ApiKeyOutput)
    def post(self, request, key_id):
        return Response(
            s.ApiKeyOutput(check.api_key_revoke(user=request.user, key_id=key_id, request=request)).data
        )


class SystemCaller:
    """The authenticated caller of the privilege check: one of the hospital's systems, not a person."""

    is_authenticated = True
    is_anonymous = False
    pk = None

    def __init__(self, key):
        self.key = key


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: ApiKey <key>` (or header `X-Api-Key`), checked against this hospital's keys."""

    keyword = "ApiKey"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        raw = header[len(self.keyword) + 1 :].strip() if header.startswith(self.keyword + " ") else ""
        raw = raw or request.META.get("HTTP_X_API_KEY", "")
        if not raw:
            return None
        key = check.api_key_authenticate(raw)
        if key is None:
            raise AuthenticationFailed(_("API 密钥无效或已吊销。"), code="invalid_api_key")
        return SystemCaller(key), key

    def authenticate_header(self, request):
        return self.keyword


class IsHospitalSystem(BasePermission):
    """A system with this hospital's key passes. A person (bearer token) is treated as on any tenant route (a
    non-member gets 404) and then refused (403): the check is for systems, not for accounts."""

    def has_permission(self, request, view):
        if isinstance(request.user, SystemCaller):
            return getattr(request, "tenant", None) is not None
        if not (request.user and request.user.is_authenticated):
            return False  # 401
        TenantAccess().has_permission(request, view)
        raise PermissionDenied()


class PrivilegeCheckView(APIView):
    """May this physician perform this procedure / prescribe this drug class now? Called by the HIS and the
    anaesthesia system with a per-system API key; answers allowed or not with the reason (200 either way)."""

    authentication_classes = [ApiKeyAuthentication, BearerTokenAuthentication]
    permission_classes = [IsHospitalSystem]

    @extend_schema(
        operation_id="privilege_check",
        request=s.PrivilegeCheckInput,
        responses=s.PrivilegeCheckOutput,
        auth=[],
    )
    def post(self, request):
        data = s.PrivilegeCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        answer = check.privilege_check(
            organization_id=_org(request),
            physician_id=v.get("physician_id"),
            licence_number=v.get("licence_number", ""),
            procedure_code=v.get("procedure_code", ""),
            drug_class=v.get("drug_class", ""),
            level=v.get("level", ""),
        )
        return Response(answer)


# --- imports, violations, statistics ----------------------------------------------------------------------


def _csv_upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise ApplicationError(_("请上传 CSV 文件。"), code="file_required", attr="file")
    if upload.size > imports.MAX_BYTES or upload.size == 0:
        raise ApplicationError(_("文件大小须在 1 字节到 20 MB 之间。"), code="file_too_large", attr="file")
    head = upload.read(4)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04") or b"\x00" in head:
        raise ApplicationError(_("文件不是 CSV 格式。"), code="not_csv", attr="file")
    return upload


class _CsvImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    permission_codes = {"post": Perm.CREDENTIALING_MANAGE}
    kind = ""

    def post(self, request):
        return _job(request, self.kind, upload=_csv_upload(request))


def _csv_view(name, kind, doc):
    @extend_schema(
        operation_id=f"credentialing_import_{name}",
        request={"multipart/form-data": s.CredFileInput},
        responses={202: s.CredJobOutput},
        description=doc,
    )
    def post(self, request):
        return _CsvImportView.post(self, request)

    return type(f"{name.title()}ImportView", (_CsvImportView,), {"kind": kind, "post": post})


OperationsImportView = _csv_view(
    "operations",
    "credentialing.operations_import",
    "CSV: " + ", ".join(imports.OPERATION_COLUMNS.values()),
)
PrescriptionsImportView = _csv_view(
    "prescriptions",
    "credentialing.prescriptions_import",
    "CSV: " + ", ".join(imports.PRESCRIPTION_COLUMNS.values()),
)
WorkloadImportView = _csv_view(
    "workload",
    "credentialing.workload_import",
    "CSV: 医师执业证号, 月份, 科室, 出院患者数, 手术数量, 住院总费用",
)


class ImportBatchListView(APIView):
    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.CREDENTIALING_MANAGE}

    @extend_schema(
        operation_id="credentialing_import_batches",
        parameters=[OpenApiParameter("kind", str)],
        responses=s.ImportBatchOutput(many=True),
    )
    def get(self, request):
        return _paginated(
            self,
            request,
            selectors.batch_list(kind=request.query_params.get("kind", "")),
            s.ImportBatchOutput,
        )


class ViolationListView(APIView):
    """Out-of-privilege, over-grade (越级) and mismatched-lead-surgeon cases from the imports (越权行为)."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.CREDENTIALING_VIEW}

    @extend_schema(
        operation_id="credentialing_violations",
        parameters=[
            OpenApiParameter("kind", str, enum=["operations", "prescriptions"]),
            OpenApiParameter(
                "flag",
                str,
                enum=[
                    "out_of_privilege",
                    "over_grade",
                    "lead_mismatch",
                    "preop_discussion_issue",
                    "death_discussion_issue",
                    "unreported_major",
                ],
            ),
            OpenApiParameter("department_id", str),
            OpenApiParameter("batch_id", str),
        ],
        responses=s.ViolationOutput(many=True),
    )
    def get(self, request):
        q = request.query_params
        qs = selectors.violation_list_for_actor(
            actor=get_actor(request),
            kind=q.get("kind", "operations"),
            flag=q.get("flag", ""),
            department_id=q.get("department_id") or None,
            batch_id=q.get("batch_id") or None,
        )
        return _paginated(self, request, qs, s.ViolationOutput)


class StatisticsView(APIView):
    permission_codes = {"get": Perm.CREDENTIALING_VIEW}

    @extend_schema(
        operation_id="credentialing_statistics",
        parameters=[OpenApiParameter("date_from", str), OpenApiParameter("date_to", str)],
        responses=s.StatisticsOutput,
    )
    def get(self, request):
        actor = get_actor(request)
        q = request.query_params
        department = (
            None
            if selectors.sees_all(actor)
            else (actor.department_id or "00000000-0000-0000-0000-000000000000")
        )
        args = {
            "date_from": q.get("date_from") or None,
            "date_to": q.get("date_to") or None,
            "department_id": department,
        }
        return Response(
            {
                "operations": imports.operation_stats(**args),
                "prescriptions": imports.prescription_stats(**args),
            }
        )


class AnalysisView(APIView):
    """Catalogue and grant figures: items by category and grade, department catalogues, grants by kind, status
    and year, physicians by title, quality indicators of restricted technologies (a head: own department)."""

    permission_codes = {"get": Perm.CREDENTIALING_VIEW}

    @extend_schema(
        operation_id="credentialing_analysis",
        parameters=[OpenApiParameter("year", int)],
        responses=s.AnalysisOutput,
    )
    def get(self, request):
        year = request.query_params.get("year", "")
        return Response(
            selectors.catalogue_analysis(actor=get_actor(request), year=int(year) if year.isdigit() else None)
        )


# --- reassessments ----------------------------------------------------------------------------------------


class ReassessmentListView(APIView):
    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.CREDENTIALING_MANAGE, "post": Perm.CREDENTIALING_MANAGE}

    @extend_schema(operation_id="credentialing_reassessments_list", responses=s.ReassessmentOutput(many=True))
    def get(self, request):
        return _paginated(self, request, selectors.reassessment_list(), s.ReassessmentOutput)

    @extend_schema(
        operation_id="credentialing_reassessments_create",
        request=s.ReassessmentInput,
        responses={201: s.ReassessmentOutput},
    )
    def post(self, request):
        data = s.ReassessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        obj = reassessment.reassessment_create(user=request.user, request=request, **data.validated_data)
        return Response(s.ReassessmentOutput(obj).data, status=status.HTTP_201_CREATED)


class ReassessmentItemsView(APIView):
    """The list of who is due, one line per granted item, with volume and quality figures."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.CREDENTIALING_MANAGE}

    @extend_schema(
        operation_id="credentialing_reassessment_items",
        parameters=[OpenApiParameter("result", str)],
        responses=s.ReassessmentItemOutput(many=True),
    )
    def get(self, request, reassessment_id):
        selectors.reassessment_get(reassessment_id=reassessment_id)
        qs = selectors.reassessment_items(
            reassessment_id=reassessment_id, result=request.query_params.get("result", "")
        )
        return _paginated(self, request, qs, s.ReassessmentItemOutput)


class ReassessmentAssessView(APIView):
    permission_codes = {"post": Perm.CREDENTIALING_MANAGE}

    @extend_schema(
        operation_id="credentialing_reassessment_assess",
        request=s.ReassessmentAssessInput,
        responses=s.ReassessmentItemOutput,
    )
    def post(self, request, reassessment_id, item_id):
        data = s.ReassessmentAssessInput(data=request.data)
        data.is_valid(raise_exception=True)
        line = reassessment.reassessment_item_assess(
            user=request.user,
            reassessment_id=reassessment_id,
            item_id=item_id,
            request=request,
            **data.validated_data,
        )
        return Response(s.ReassessmentItemOutput(line).data)


class ReassessmentCloseView(APIView):
    permission_codes = {"post": Perm.CREDENTIALING_MANAGE}

    @extend_schema(
        operation_id="credentialing_reassessment_close", request=None, responses=s.ReassessmentCloseOutput
    )
    def post(self, request, reassessment_id):
        return Response(
            reassessment.reassessment_close(
                user=request.user, reassessment_id=reassessment_id, request=request
            )
        )


# --- the technical archive per physician ------------------------------------------------------------------


def _reachable(request, physician_id):
    actor = _require_any(
        request, Perm.CREDENTIALING_APPLY, Perm.CREDENTIALING_VIEW, Perm.CREDENTIALING_MANAGE
    )
    return actor, selectors.physician_in_reach(
        actor=actor, user=request.user, organization_id=_org(request), physician_id=physician_id
    )


def _editable(request, physician_id):
    """The physician themself or medical affairs may change certificates and history (个人维护)."""
    actor, physician = _reachable(request, physician_id)
    if not actor.has(Perm.CREDENTIALING_MANAGE) and physician.user_id != request.user.pk:
        raise PermissionDenied()
    return physician


class PhysicianSearchView(APIView):
    """综合查询: physicians by name or licence number, department, surgical grade held and grant status, with
    their grants counted by status (medical affairs all, a department head their department)."""

    pagination_class = PageNumberPagination
    permission_codes = {"get": Perm.CREDENTIALING_VIEW}

    @extend_schema(
        operation_id="credentialing_physicians_search",
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("department_id", str),
            OpenApiParameter("grade", int),
            OpenApiParameter("grant_status", str),
            OpenApiParameter("kind", str),
        ],
        responses=s.PhysicianSearchOutput(many=True),
    )
    def get(self, request):
        q = request.query_params
        grade = q.get("grade", "")
        qs = selectors.physician_search_for_actor(
            actor=get_actor(request),
            organization_id=_org(request),
            search=q.get("search", ""),
            department_id=q.get("department_id") or None,
            grade=int(grade) if grade.isdigit() else None,
            grant_status=q.get("grant_status", ""),
            kind=q.get("kind", ""),
        )
        return _paginated(
            self,
            request,
            qs,
            s.PhysicianSearchOutput,
            context_fn=lambda page: {"counts": selectors.grant_counts(p.id for p in page)},
        )


class ArchiveOverviewView(APIView):
    """The physician's technical archive: basic information, certificates, privileges with history,
    reassessments, work and training history, workload with hospital and department rankings."""

    @extend_schema(
        operation_id="credentialing_archive_overview",
        parameters=[OpenApiParameter("period_from", str), OpenApiParameter("period_to", str)],
        responses=s.ArchiveOverviewOutput,
    )
    def get(self, request, physician_id):
        from archives.models import ArchiveEntry
        from archives.selectors import archive_for_physician, workload_with_rankings

        _actor, physician = _reachable(request, physician_id)
        archive = archive_for_physician(physician_id=physician.pk)
        grants = list(
            Grant.objects.filter(physician_id=physician.pk).select_related("item").prefetch_related("events")
        )
        entries = list(ArchiveEntry.objects.filter(archive=archive)) if archive else []
        q = request.query_params
        out = {
            "physician": {
                "id": physician.pk,
                "name": physician.name,
                "gender": physician.gender,
                "title": physician.title,
                "licence_number": physician.licence_number,
                "practice_category": physician.practice_category,
                "practice_scope": physician.practice_scope,
                "department_id": physician.department_id,
                "phone": physician.phone,
            },
            "employee_number": archive.employee_number if archive else "",
            "certificates": list(archive.certificates.all()) if archive else [],
            "grants": grants,
            "reassessments": [e for e in entries if e.kind == "reassessment"],
            "career": list(archive.career.all()) if archive else [],
            "history": [e for e in entries if e.kind != "reassessment"],
            "workload": workload_with_rankings(
                physician_id=physician.pk,
                department_id=physician.department_id,
                period_from=q.get("period_from", ""),
                period_to=q.get("period_to", ""),
            ),
        }
        from audit.services import audit_record

        audit_record(
            action="credentialing.archive.read",
            actor=request.user,
            request=request,
            organization_id=_org(request),
            region_path=request.tenant.region_path,
            target_type="physicians.physician",
            target_id=str(physician.pk),
            schema_name=request.tenant.schema_name,
        )
        return Response(s.ArchiveOverviewOutput(out, context=_physicians(grants)).data)


class CertificateListView(APIView):
    pagination_class = PageNumberPagination
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(operation_id="credentialing_certificates_list", responses=s.CertificateOutput(many=True))
    def get(self, request, physician_id):
        from archives.selectors import archive_for_physician

        _actor, physician = _reachable(request, physician_id)
        archive = archive_for_physician(physician_id=physician.pk)
        qs = (
            archive.certificates.order_by("name", "-created_at")
            if archive
            else ArchiveCertificate.objects.none()
        )
        return _paginated(self, request, qs, s.CertificateOutput)

    @extend_schema(
        operation_id="credentialing_certificates_add",
        request={"multipart/form-data": s.CertificateInput},
        responses={201: s.CertificateOutput},
    )
    def post(self, request, physician_id):
        from archives.services import archive_for_physician, certificate_add

        physician = _editable(request, physician_id)
        data = s.CertificateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        upload = fields.pop("file", None)
        archive = archive_for_physician(physician_id=physician.pk, department_id=physician.department_id)
        certificate = certificate_add(
            user=request.user, archive=archive, upload=upload, request=request, **fields
        )
        return Response(s.CertificateOutput(certificate).data, status=status.HTTP_201_CREATED)


def _certificate(physician, certificate_id):
    from archives.models import ArchiveCertificate

    certificate = ArchiveCertificate.objects.filter(
        pk=certificate_id, archive__physician_id=physician.pk
    ).first()
    if certificate is None:
        raise NotFound()
    return certificate


class CertificateDetailView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="credentialing_certificates_update",
        request={"multipart/form-data": s.CertificateUpdateInput},
        responses=s.CertificateOutput,
    )
    def patch(self, request, physician_id, certificate_id):
        from archives.services import certificate_update

        physician = _editable(request, physician_id)
        certificate = _certificate(physician, certificate_id)
        data = s.CertificateUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        upload = fields.pop("file", None)
        certificate = certificate_update(
            user=request.user, certificate=certificate, upload=upload, request=request, **fields
        )
        return Response(s.CertificateOutput(certificate).data)

    @extend_schema(operation_id="credentialing_certificates_delete", responses={204: None})
    def delete(self, request, physician_id, certificate_id):
        from archives.services import certificate_delete

        physician = _editable(request, physician_id)
        certificate_delete(
            user=request.user, certificate=_certificate(physician, certificate_id), request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CertificateDownloadView(APIView):
    @extend_schema(
        operation_id="credentialing_certificates_download", request=None, responses=s.DownloadOutput
    )
    def post(self, request, physician_id, certificate_id):
        from audit.services import audit_record
        from core import storage

        _actor, physician = _reachable(request, physician_id)
        certificate = _certificate(physician, certificate_id)
        if not certificate.object_key:
            raise NotFound(_("该证件没有上传文件。"), code="no_file")
        audit_record(
            action="archives.certificate.downloaded",
            actor=request.user,
            request=request,
            organization_id=_org(request),
            region_path=request.tenant.region_path,
            target=certificate,
            schema_name=request.tenant.schema_name,
        )
        url = storage.presigned_get(key=certificate.object_key, expires=300, filename=certificate.file_name)
        return Response({"url": url, "file_name": certificate.file_name})


class CertificatesExportView(APIView):
    """Export one physician's certificates (physician_id) or all of the hospital's as a .zip (a job)."""

    @extend_schema(
        operation_id="credentialing_certificates_export",
        request=s.CertificatesExportInput,
        responses={202: s.CredJobOutput},
    )
    def post(self, request):
        data = s.CertificatesExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        physician_id = data.validated_data.get("physician_id")
        if physician_id:
            _reachable(request, physician_id)
        else:
            _require_any(request, Perm.CREDENTIALING_MANAGE)
        return _job(
            request,
            "credentialing.certificates_export",
            params={"physician_id": str(physician_id) if physician_id else ""},
        )


class CareerListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(operation_id="credentialing_career_list", responses=s.CareerOutput(many=True))
    def get(self, request, physician_id):
        from archives.selectors import archive_for_physician

        _actor, physician = _reachable(request, physician_id)
        archive = archive_for_physician(physician_id=physician.pk)
        qs = archive.career.order_by("-starts_on", "-created_at") if archive else CareerEntry.objects.none()
        return _paginated(self, request, qs, s.CareerOutput)

    @extend_schema(
        operation_id="credentialing_career_add", request=s.CareerInput, responses={201: s.CareerOutput}
    )
    def post(self, request, physician_id):
        from archives.services import archive_for_physician, career_add

        physician = _editable(request, physician_id)
        data = s.CareerInput(data=request.data)
        data.is_valid(raise_exception=True)
        archive = archive_for_physician(physician_id=physician.pk, department_id=physician.department_id)
        entry = career_add(user=request.user, archive=archive, request=request, **data.validated_data)
        return Response(s.CareerOutput(entry).data, status=status.HTTP_201_CREATED)


class CareerDetailView(APIView):
    @extend_schema(operation_id="credentialing_career_delete", responses={204: None})
    def delete(self, request, physician_id, entry_id):
        from archives.models import CareerEntry
        from archives.services import career_delete

        physician = _editable(request, physician_id)
        entry = CareerEntry.objects.filter(pk=entry_id, archive__physician_id=physician.pk).first()
        if entry is None:
            raise NotFound()
        career_delete(user=request.user, entry=entry, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
