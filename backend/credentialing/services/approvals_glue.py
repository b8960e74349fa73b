"""Credentialing's side of the approvals engine (see backend/approvals/registry.py): the application types it
registers and the one place that submits to the engine. Callbacks run inside the engine's transaction."""

from django.utils.translation import gettext_lazy as _

PRIVILEGE_TYPE = "credentialing.privilege"
DEPARTMENT_ITEM_TYPE = "credentialing.department_item"


def _privilege_approved(request) -> None:
    from credentialing.services.privileges import application_approved

    application_approved(request.subject_id, approver_id=None)


def _privilege_status(status):
    def callback(request) -> None:
        from credentialing.services.privileges import application_closed

        application_closed(request.subject_id, status)

    return callback


def _privilege_facts(request) -> dict:
    from credentialing.services.privileges import application_facts

    return application_facts(request.subject_id)


def _department_item(status):
    def callback(request) -> None:
        from credentialing.services.catalogue import department_item_decided

        department_item_decided(request.subject_id, status)

    return callback


def register_types() -> None:
    try:
        from approvals.registry import ApplicationType, register
    except ImportError:  # the engine is not installed (it is, in this project; kept for partial checkouts)
        return
    register(
        ApplicationType(
            code=PRIVILEGE_TYPE,
            label=_("医疗技术资质授权申请"),
            on_approved=_privilege_approved,
            on_rejected=_privilege_status("rejected"),
            on_withdrawn=_privilege_status("withdrawn"),
            facts=_privilege_facts,
            fact_names=(
                "kind",
                "applicant_title",
                "applicant_title_rank",
                "surgical_grade",
                "passed_exam",
                "lead_operations",
                "assistant_operations",
            ),
        )
    )
    register(
        ApplicationType(
            code=DEPARTMENT_ITEM_TYPE,
            label=_("科室技术目录申请"),
            on_approved=_department_item("approved"),
            on_rejected=_department_item("rejected"),
            on_withdrawn=_department_item("withdrawn"),
            fact_names=("surgical_grade",),
        )
    )


def submit(*, user, type_code: str, subject_id, department_id, title: str, facts: dict):
    """Start the hospital's chain for the type (errors `approval_chain_missing`, `approval_no_approver` come
    from the engine and roll the caller's transaction back)."""
    from approvals.services import approval_submit

    return approval_submit(
        actor=user,
        type_code=type_code,
        subject_id=subject_id,
        applicant_user_id=user.pk,
        applicant_department_id=department_id,
        title=str(title)[:200],
        facts=facts,
    )
