"""Background jobs of credentialing (run by the public `jobs` app; each runs in the hospital schema its params
name): catalogue import/export (.xlsx), operations and prescriptions imports (CSV), HIS workload import (CSV),
certificates export (.zip)."""

import io
import zipfile

from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from core import storage
from core.errors import ApplicationError
from core.xlsx import XLSX_CONTENT_TYPE, Column, read_rows, write_workbook
from jobs.services import JobResult, JobRowErrors, job_handler

CATALOGUE_COLUMNS = [
    Column("院内编码", "code"),
    Column("名称", "name"),
    Column("类别", "category"),
    Column("手术级别", "grade", required=False),
    Column("国家编码", "national_code", required=False),
    Column("国家级别", "national_grade", required=False),
    Column("省级编码", "provincial_code", required=False),
    Column("省级级别", "provincial_grade", required=False),
]


def _input(job) -> bytes:
    return storage.client().get_object(Bucket=storage.bucket(), Key=job.input_key)["Body"].read()


def _schema(job) -> str:
    schema = job.params.get("schema")
    if not schema:
        raise ApplicationError(_("任务缺少医院信息。"), code="job_without_hospital")
    return schema


@job_handler("credentialing.catalogue_import")
def catalogue_import(job, progress):
    from credentialing.services.catalogue import items_import_rows, items_upsert

    rows = read_rows(_input(job), CATALOGUE_COLUMNS)
    progress(0, len(rows))
    with schema_context(_schema(job)):
        clean, errors = items_import_rows(rows)
        if errors:
            raise JobRowErrors(errors)
        summary = items_upsert(clean)
    progress(len(rows), len(rows))
    return JobResult(summary=summary)


@job_handler("credentialing.catalogue_export")
def catalogue_export(job, progress):
    from credentialing.models import CatalogueItem

    with schema_context(_schema(job)):
        rows = [
            (
                i.code,
                i.name,
                i.get_category_display(),
                i.grade or "",
                i.national_code,
                i.national_grade or "",
                i.provincial_code,
                i.provincial_grade or "",
            )
            for i in CatalogueItem.objects.order_by("code")
        ]
    data = write_workbook([c.header for c in CATALOGUE_COLUMNS], rows, title="院级技术目录")
    return JobResult(summary={"rows": len(rows)}, file=("技术目录.xlsx", data, XLSX_CONTENT_TYPE))


def _csv_job(job, fn):
    with schema_context(_schema(job)):
        result = fn(data=_input(job), file_name=job.input_name, user_id=job.created_by_id)
    if "errors" in result:
        raise JobRowErrors(result["errors"])
    return JobResult(summary=result)


@job_handler("credentialing.operations_import")
def operations_import(job, progress):
    from credentialing.services.imports import operations_import as run

    return _csv_job(job, run)


@job_handler("credentialing.prescriptions_import")
def prescriptions_import(job, progress):
    from credentialing.services.imports import prescriptions_import as run

    return _csv_job(job, run)


WORKLOAD_COLUMNS = {
    "physician_licence": "医师执业证号",
    "period": "月份",
    "department": "科室",
    "discharges": "出院患者数",
    "operations": "手术数量",
    "inpatient_cost": "住院总费用",
}


@job_handler("credentialing.workload_import")
def workload_import(job, progress):
    """Monthly workload per physician from the HIS (CSV): all rows checked, then written in one go."""
    import re
    from decimal import Decimal, InvalidOperation

    from archives.services import workload_upsert
    from credentialing.services.common import current_hospital
    from credentialing.services.imports import _lookups, read_csv

    rows = read_csv(_input(job), WORKLOAD_COLUMNS, ("physician_licence", "period"))
    with schema_context(_schema(job)):
        physicians, depts = _lookups(
            current_hospital(),
            {r.get("physician_licence", "") for _n, r in rows},
            {r.get("department", "") for _n, r in rows},
        )
        errors, clean, seen = [], [], set()
        for number, r in rows:
            before = len(errors)
            physician = physicians.get(r.get("physician_licence", ""))
            if physician is None:
                errors.append(
                    {
                        "row": number,
                        "attr": "physician_licence",
                        "code": "unknown_physician",
                        "detail": _("执业证号不属于本院医师。"),
                    }
                )
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", r.get("period", "")):
                errors.append(
                    {
                        "row": number,
                        "attr": "period",
                        "code": "invalid_period",
                        "detail": _("月份格式应为 YYYY-MM。"),
                    }
                )
            values = {}
            for field in ("discharges", "operations"):
                text = r.get(field, "") or "0"
                if not text.isdigit():
                    errors.append(
                        {
                            "row": number,
                            "attr": field,
                            "code": "invalid_number",
                            "detail": _("应为非负整数。"),
                        }
                    )
                else:
                    values[field] = int(text)
            try:
                values["inpatient_cost"] = Decimal(r.get("inpatient_cost", "") or "0")
                if values["inpatient_cost"] < 0:
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(
                    {
                        "row": number,
                        "attr": "inpatient_cost",
                        "code": "invalid_number",
                        "detail": _("应为非负数。"),
                    }
                )
            key = (r.get("physician_licence"), r.get("period"))
            if key in seen:
                errors.append(
                    {
                        "row": number,
                        "attr": "period",
                        "code": "duplicate",
                        "detail": _("文件中该医师该月份重复。"),
                    }
                )
            seen.add(key)
            if len(errors) == before:
                clean.append(
                    {
                        "physician_id": physician.pk,
                        "period": r["period"],
                        "department_id": depts.get(r.get("department", "")) or physician.department_id,
                        **values,
                    }
                )
        if errors:
            raise JobRowErrors(errors)
        summary = workload_upsert(clean)
    return JobResult(summary=summary)


@job_handler("credentialing.certificates_export", audit_action="archives.certificates_export")
def certificates_export(job, progress):
    """One physician's certificates (params.physician_id) or all of the hospital's, as a .zip: a folder per
    physician, the scans and an index.xlsx."""
    from archives.models import ArchiveCertificate
    from physicians.selectors import physicians_by_ids

    with schema_context(_schema(job)):
        qs = ArchiveCertificate.objects.select_related("archive").order_by("archive_id", "name")
        if job.params.get("physician_id"):
            qs = qs.filter(archive__physician_id=job.params["physician_id"])
        certificates = list(qs)
    people = physicians_by_ids({c.archive.physician_id for c in certificates})
    out = io.BytesIO()
    index = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, c in enumerate(certificates, start=1):
            physician = people.get(c.archive.physician_id)
            folder = f"{physician.name if physician else ''}_{physician.licence_number if physician else c.archive.physician_id}"
            path = ""
            if c.object_key:
                body = storage.client().get_object(Bucket=storage.bucket(), Key=c.object_key)["Body"].read()
                extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
                    c.content_type, "bin"
                )
                path = f"{folder}/{c.name}_{str(c.pk)[:8]}.{extension}"
                archive.writestr(path, body)
            index.append(
                (folder, c.name, c.number, str(c.issued_on or ""), str(c.valid_until or ""), path, c.sha256)
            )
            progress(done, len(certificates))
        archive.writestr(
            "index.xlsx",
            write_workbook(
                ["医师", "证件名称", "证件号码", "发证日期", "有效期至", "文件", "SHA-256"],
                index,
                title="证件",
            ),
        )
    return JobResult(
        summary={"certificates": len(certificates)}, file=("证件.zip", out.getvalue(), "application/zip")
    )
