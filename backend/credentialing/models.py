"""Hospital credentialing (tenant schema): the technology catalogue, privilege applications and grants, the
privilege check's API keys, imported surgery and prescription records, and surgical competence reassessments.

Public rows (physicians, departments, users) are referenced with `db_constraint=False`, as in `archives`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


def _public_fk(model: str, **extra):
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", **extra
    )


class Category(models.TextChoices):
    SURGERY = "surgery", _("手术")
    DIAGNOSTIC = "diagnostic", _("诊断性操作")
    THERAPEUTIC = "therapeutic", _("治疗性操作")
    INTERVENTIONAL = "interventional", _("介入")
    ENDOSCOPIC = "endoscopic", _("内镜")
    RESTRICTED = "restricted", _("限制类技术")


class CatalogueItem(BaseModel):
    """One technology in the hospital catalogue (院级技术目录). `code` is the hospital's procedure code (ICD-9-CM-3
    style, e.g. 47.0901); the national and provincial codes and grades stand beside it (同一手术可维护国家、省内、院内
    多个级别). `grade` is the hospital's surgical grade (1-4) and governs the title rule; null for non-surgical items.
    `exam_blueprint_id` names a hospital-owned exam (its blueprint) that must be passed before applying."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=128)
    category = models.CharField(max_length=16, choices=Category.choices)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    national_code = models.CharField(max_length=32, blank=True, db_index=True)
    national_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    provincial_code = models.CharField(max_length=32, blank=True, db_index=True)
    provincial_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    exam_blueprint_id = models.UUIDField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]


class DepartmentItemStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")
    REMOVED = "removed", _("已移除")


class DepartmentItem(BaseModel):
    """A department's catalogue line (科级技术目录): requested from the hospital catalogue, approved by medical
    affairs through the approvals engine."""

    department = _public_fk("organizations.Department")
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="department_items")
    status = models.CharField(max_length=16, choices=DepartmentItemStatus.choices, default="pending")
    reason = models.CharField(max_length=255, blank=True)
    requested_by = _public_fk("accounts.User", null=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "item"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="dept_item_one_live",
            )
        ]


class TitleRule(BaseModel):
    """The lowest title rank that may apply for a surgical grade in this hospital (configurable; the default
    table is `services.catalogue.DEFAULT_TITLE_RULES`)."""

    grade = models.PositiveSmallIntegerField(unique=True)
    min_rank = models.PositiveSmallIntegerField()


class PrivilegeKind(models.TextChoices):
    SURGICAL = "surgical", _("手术权限")
    PROCEDURAL = "procedural", _("操作权限")
    PRESCRIBING = "prescribing", _("处方权")
    MEDTECH = "medtech", _("医技操作及报告权")
    ANAESTHESIA = "anaesthesia", _("麻醉权限")
    SPECIAL = "special", _("医疗技术执业能力")


class DrugClass(models.TextChoices):
    GENERAL = "general", _("一般处方权")
    NARCOTIC = "narcotic", _("麻醉和精神药品处方权")
    ONCOLOGY = "oncology", _("抗肿瘤药物处方权")
    TCM = "tcm", _("中药处方权")
    HORMONE = "hormone", _("激素类药物处方权")
    ANTIMICROBIAL = "antimicrobial", _("抗菌药物处方权")


class SpecialPractice(models.TextChoices):
    COSMETIC_LEAD = "cosmetic_lead", _("美容主诊医师")
    BRAIN_DEATH = "brain_death", _("脑死亡判定")
    LARGE_EQUIPMENT = "large_equipment", _("大型医用设备操作")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("审批中")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class PrivilegeApplication(BaseModel):
    """One item of a privilege application (逐项申请). `scope` names what is asked for besides a catalogue item:
    the drug class and level (antimicrobial: non_restricted < restricted < special; oncology: general <
    restricted), the anaesthesia grade, the special practice. `form` holds the kind's own form fields.
    `record` is the applicant's own record from imported surgery records when it was submitted."""

    physician = _public_fk("physicians.Physician")
    department = _public_fk("organizations.Department", null=True, blank=True)
    applicant_user = _public_fk("accounts.User", null=True)
    kind = models.CharField(max_length=16, choices=PrivilegeKind.choices)
    item = models.ForeignKey(CatalogueItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    drug_class = models.CharField(max_length=16, choices=DrugClass.choices, blank=True)
    level = models.CharField(max_length=32, blank=True)
    anaesthesia_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    special = models.CharField(max_length=24, choices=SpecialPractice.choices, blank=True)
    form = models.JSONField(default=dict, blank=True)
    record = models.JSONField(default=dict, blank=True)
    valid_years = models.PositiveSmallIntegerField(default=3)
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default="pending")
    approval_request_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["physician", "status"])]


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("已终止")
    EXPIRED = "expired", _("已过期")


class Grant(BaseModel):
    """A privilege held by a physician in this hospital, per item, with validity (valid_until inclusive)."""

    physician = _public_fk("physicians.Physician")
    department = _public_fk("organizations.Department", null=True, blank=True)
    kind = models.CharField(max_length=16, choices=PrivilegeKind.choices)
    item = models.ForeignKey(
        CatalogueItem, null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    drug_class = models.CharField(max_length=16, choices=DrugClass.choices, blank=True)
    level = models.CharField(max_length=32, blank=True)
    anaesthesia_grade = models.PositiveSmallIntegerField(null=True, blank=True)
    special = models.CharField(max_length=24, choices=SpecialPractice.choices, blank=True)
    scope_note = models.CharField(max_length=255, blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    status = models.CharField(max_length=16, choices=GrantStatus.choices, default="active")
    status_reason = models.CharField(max_length=32, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    application = models.ForeignKey(
        PrivilegeApplication, null=True, blank=True, on_delete=models.SET_NULL, related_name="grants"
    )

    class Meta:
        ordering = ["-valid_from", "-created_at"]
        indexes = [
            models.Index(fields=["physician", "item", "status"], name="grant_check_item"),
            models.Index(fields=["physician", "drug_class", "status"], name="grant_check_drug"),
            models.Index(fields=["status", "valid_until"], name="grant_expiry"),
        ]


class GrantEvent(BaseModel):
    """Append-only history of a grant (granted, adjusted, suspended, resumed, revoked, expired)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    actor = _public_fk("accounts.User", null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at"]


class SecondmentKind(models.TextChoices):
    RURAL = "rural", _("下乡")
    STUDY = "study", _("进修")
    OTHER = "other", _("外出")


class Secondment(BaseModel):
    """A physician away from the hospital (下乡, 进修): all grants are suspended from starts_on to ends_on."""

    physician = _public_fk("physicians.Physician")
    kind = models.CharField(max_length=16, choices=SecondmentKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    place = models.CharField(max_length=128, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["physician", "starts_on", "ends_on"])]


class ApiKey(BaseModel):
    """A key one of the hospital's systems (HIS, anaesthesia system) uses for the privilege check. Only the
    SHA-256 of the key is stored; the key itself is shown once when created."""

    name = models.CharField(max_length=64)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = _public_fk("accounts.User", null=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class ImportBatch(BaseModel):
    """One CSV of performed operations or prescriptions (or HIS workload figures), with its findings."""

    kind = models.CharField(max_length=16)  # operations, prescriptions
    file_name = models.CharField(max_length=255, blank=True)
    rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    created_by = _public_fk("accounts.User", null=True)

    class Meta:
        ordering = ["-created_at"]


class SurgeryRecord(BaseModel):
    """A performed operation from the HIS/anaesthesia system: the lead surgeon as registered for the operation
    and as written on the case front page (病案首页), the assistants, and what the check found."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="surgeries")
    record_no = models.CharField(max_length=64)
    performed_on = models.DateField()
    department = _public_fk("organizations.Department", null=True, blank=True)
    procedure_code = models.CharField(max_length=32)
    item = models.ForeignKey(
        CatalogueItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    lead = _public_fk("physicians.Physician", null=True, blank=True)
    front_page_lead = _public_fk("physicians.Physician", null=True, blank=True)
    first_assistant = _public_fk("physicians.Physician", null=True, blank=True)
    second_assistant = _public_fk("physicians.Physician", null=True, blank=True)
    complication = models.BooleanField(default=False)
    death = models.BooleanField(default=False)
    unplanned_reoperation = models.BooleanField(default=False)
    out_of_privilege = models.BooleanField(default=False)
    over_grade = models.BooleanField(default=False)
    lead_mismatch = models.BooleanField(default=False)
    # 术前讨论, 死亡病例讨论, 重大手术报备 (when the file carries them)
    preop_discussion_on = models.DateField(null=True, blank=True)
    death_discussion_on = models.DateField(null=True, blank=True)
    major_reported = models.BooleanField(null=True, blank=True)
    preop_discussion_issue = models.BooleanField(default=False)  # missing or after the operation
    death_discussion_issue = models.BooleanField(default=False)  # missing or more than 7 days after
    unreported_major = models.BooleanField(default=False)  # a grade-4 operation not reported

    class Meta:
        ordering = ["-performed_on"]
        indexes = [
            models.Index(fields=["lead", "performed_on"]),
            models.Index(fields=["first_assistant"]),
            models.Index(fields=["second_assistant"]),
            models.Index(fields=["department", "item"]),
        ]


class PrescriptionRecord(BaseModel):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="prescriptions")
    record_no = models.CharField(max_length=64)
    prescribed_on = models.DateField()
    department = _public_fk("organizations.Department", null=True, blank=True)
    physician = _public_fk("physicians.Physician")
    drug_class = models.CharField(max_length=16, choices=DrugClass.choices)
    level = models.CharField(max_length=32, blank=True)
    drug_name = models.CharField(max_length=128, blank=True)
    out_of_privilege = models.BooleanField(default=False)

    class Meta:
        ordering = ["-prescribed_on"]


class ReassessmentStatus(models.TextChoices):
    OPEN = "open", _("考核中")
    CLOSED = "closed", _("已完成")


class Reassessment(BaseModel):
    """Surgical competence reassessment (手术能力动态考核) of one grade over one period."""

    name = models.CharField(max_length=128)
    grade = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    min_volume = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=ReassessmentStatus.choices, default="open")
    created_by = _public_fk("accounts.User", null=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-created_at"]


class ReassessmentResult(models.TextChoices):
    PENDING = "pending", _("待评估")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("不通过")


class ReassessmentItem(BaseModel):
    """One granted item of one physician in a reassessment, with its volume and quality figures."""

    reassessment = models.ForeignKey(Reassessment, on_delete=models.CASCADE, related_name="items")
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="reassessments")
    physician = _public_fk("physicians.Physician")
    volume = models.PositiveIntegerField(default=0)
    complications = models.PositiveIntegerField(default=0)
    deaths = models.PositiveIntegerField(default=0)
    unplanned_reoperations = models.PositiveIntegerField(default=0)
    result = models.CharField(max_length=16, choices=ReassessmentResult.choices, default="pending")
    comment = models.CharField(max_length=255, blank=True)
    assessed_by = _public_fk("accounts.User", null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reassessment", "grant"], name="reassess_one_per_grant")
        ]


class ExamRequirement(BaseModel):
    """A hospital-owned exam (its blueprint ID in the exam engine) that must be passed before applying for a
    privilege other than a catalogue item (items carry their own `exam_blueprint_id`). `key` is
    `<kind>` or `<kind>:<drug class or special>`, e.g. `prescribing:antimicrobial`, `special:brain_death`."""

    key = models.CharField(max_length=48, unique=True)
    exam_blueprint_id = models.UUIDField()


class AnaesthesiaMode(models.TextChoices):
    CATALOGUE = "catalogue", _("按目录授权")
    GRADE = "grade", _("按等级授权")
    BOTH = "both", _("两种方式均可")


class CredentialingSettings(BaseModel):
    """The hospital's credentialing settings (one row): how anaesthesia privileges are applied for, adjusted
    as the hospital's management requires (按目录 / 按等级)."""

    anaesthesia_mode = models.CharField(max_length=16, choices=AnaesthesiaMode.choices, default="both")
