"""Reads of the physician's self-report (填报信息): their own enrolments, the forms prefilled from the registry,
the figures the eligibility rules need, attachments.

A physician reaches only their own enrolments (physician.user is the caller); anything else is a 404.
"""

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from assessment.enums import EnrolmentStatus
from assessment.models import (
    CycleSettings,
    Enrolment,
    EnrolmentAttachment,
    EnrolmentHistory,
    SelfReport,
)
from assessment.selectors import adverse
from core.errors import NotFound
from physicians.models import Physician

# The states in which the physician may still edit and submit the report.
EDITABLE_STATES = frozenset({EnrolmentStatus.ENROLLED, EnrolmentStatus.DRAFTING, EnrolmentStatus.RETURNED})
# From these on the physician sees the result (published for publicity or final).
RESULT_VISIBLE_STATES = frozenset(
    {
        EnrolmentStatus.PUBLICIZED,
        EnrolmentStatus.PASSED,
        EnrolmentStatus.MAKEUP_PENDING,
        EnrolmentStatus.MAKEUP,
        EnrolmentStatus.MAKEUP_SCORED,
        EnrolmentStatus.FAILED,
    }
)
RETURN_ACTIONS = ("department_return", "institution_return", "body_return")


def _own() -> QuerySet[Enrolment]:
    return Enrolment.objects.select_related(
        "cycle", "cycle__settings", "settings", "physician", "organization", "department"
    )


def my_enrolment_list(*, user) -> QuerySet[Enrolment]:
    """The caller's enrolments (every cycle), newest cycle first."""
    return _own().filter(physician__user_id=user.pk).order_by("-cycle__starts_on", "pk")


def my_enrolment_get(*, user, enrolment_id, for_update: bool = False) -> Enrolment:
    """One of the caller's own enrolments; NotFound for anyone else's (or none)."""
    qs = _own().filter(physician__user_id=user.pk)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=enrolment_id)
    except (Enrolment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def settings_in_force(enrolment: Enrolment) -> CycleSettings:
    """The cycle's settings version in force decides what is decided now (deadlines, eligibility, required
    forms); what was already decided keeps its own version. Falls back to the enrolment's version."""
    return enrolment.cycle.settings or enrolment.settings


def phase_window(settings: CycleSettings, phase: str) -> tuple[date | None, date | None]:
    window = (settings.phases or {}).get(phase) or {}

    def parse(value):
        if not value:
            return None
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None

    return parse(window.get("opens")), parse(window.get("closes"))


def phase_is_open(settings: CycleSettings, phase: str, today: date | None = None) -> bool:
    """Whether today lies in the phase's window (both ends included). A phase without a window in the
    settings has no deadline."""
    opens, closes = phase_window(settings, phase)
    today = today or timezone.localdate()
    return (opens is None or opens <= today) and (closes is None or today <= closes)


def self_report_get(enrolment: Enrolment) -> SelfReport | None:
    return SelfReport.objects.filter(enrolment=enrolment).first()


def attachment_list(enrolment: Enrolment) -> QuerySet[EnrolmentAttachment]:
    return EnrolmentAttachment.objects.filter(enrolment=enrolment).order_by("created_at")


def attachment_get(*, enrolment: Enrolment, attachment_id) -> EnrolmentAttachment:
    try:
        return EnrolmentAttachment.objects.get(enrolment=enrolment, pk=attachment_id)
    except (EnrolmentAttachment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def last_return(enrolment: Enrolment) -> EnrolmentHistory | None:
    """The latest return (by the department, the institution or the body), with its comment."""
    return (
        EnrolmentHistory.objects.filter(subject=enrolment, action__in=RETURN_ACTIONS)
        .order_by("-created_at")
        .first()
    )


# --- what the registry says: the forms' prefill and the eligibility figures ----------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def report_prefill(physician: Physician) -> dict:
    """The forms the registry can fill in: basic and practice information, education and practice history.
    The physician confirms or corrects them; work performance and ethics start empty."""
    sites = [
        {
            "site_name": s.site_name,
            "is_primary": s.is_primary,
            "filed_on": _iso(s.filed_on),
            "valid_until": _iso(s.valid_until),
        }
        for s in physician.sites.all()
    ]
    return {
        "basic": {
            "name": physician.name,
            "gender": physician.gender,
            "birth_date": _iso(physician.birth_date),
            "phone": physician.phone,
            "education": physician.education,
            "specialty": physician.specialty,
            "title": physician.title,
        },
        "practice": {
            "licence_number": physician.licence_number,
            "qualification_number": physician.qualification_number,
            "practice_category": physician.practice_category,
            "practice_scope": physician.practice_scope,
            "licence_valid_until": _iso(physician.licence_valid_until),
            "organization_name": physician.organization.name,
            "department_name": physician.department.name if physician.department_id else "",
            "hired_on": _iso(physician.hired_on),
            "sites": sites,
        },
        "experience": {
            "education_records": [
                {
                    "school": r.school,
                    "major": r.major,
                    "degree": r.degree,
                    "started_on": _iso(r.started_on),
                    "finished_on": _iso(r.finished_on),
                }
                for r in physician.education_records.all()
            ],
            "practice_records": [
                {
                    "organization_name": r.organization_name,
                    "department_name": r.department_name,
                    "title": r.title,
                    "started_on": _iso(r.started_on),
                    "finished_on": _iso(r.finished_on),
                }
                for r in physician.practice_records.all()
            ],
        },
    }


def practice_years(physician: Physician, today: date | None = None) -> int:
    """Whole years since the physician started practising: the earliest of the hiring date and the practice
    records' starts (0 when the registry knows neither)."""
    starts = [physician.hired_on] if physician.hired_on else []
    starts += [d for d in physician.practice_records.values_list("started_on", flat=True) if d is not None]
    if not starts:
        return 0
    start = min(starts)
    today = today or timezone.localdate()
    years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    return max(years, 0)


def adverse_record_count(*, physician: Physician, cycle=None) -> int:
    """The physician's adverse records (不良记录), within the cycle's period when given."""
    return adverse.adverse_record_count(physician, cycle=cycle)
