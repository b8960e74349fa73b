"""Demo credentialing (医疗技术与资质授权) for 杭州市第一人民医院 (tenant `hz-sdyrmyy`): a small hospital
catalogue, the department catalogue of hz1_head's department, approval chains (privileges: the department head,
then a countersign by medical affairs hz1_affairs and the administrator hz1_admin; department catalogue lines:
medical affairs), a few grants of the hospital's physicians and a pending application of hz1_doctor.

Idempotent: does nothing when the hospital already has a catalogue."""

from datetime import timedelta

from django.utils import timezone

SLUG = "hz-sdyrmyy"

# (code, name, category, grade, national code)
ITEMS = [
    ("47.0901", "腹腔镜阑尾切除术", "surgery", 2, "47.0100x001"),
    ("51.2301", "腹腔镜胆囊切除术", "surgery", 3, "51.2300x001"),
    ("53.0201", "腹股沟疝修补术", "surgery", 1, "53.0000"),
    ("52.7x01", "胰十二指肠切除术", "surgery", 4, "52.7x00"),
    ("45.4201", "内镜下结肠息肉切除术", "endoscopic", 2, "45.4200"),
    ("44.1301", "胃镜检查", "endoscopic", None, "44.1300"),
    ("37.2201", "冠状动脉造影术", "interventional", 3, "88.5500"),
    ("99.2501", "肿瘤靶向药物灌注治疗", "restricted", 3, ""),
]


def seed_credentialing(stdout=None) -> str:
    from django_tenants.utils import tenant_context

    from accounts.models import Membership, User
    from accounts.selectors import actor_for_membership
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).select_related("organization").first()
    if tenant is None:
        return "credentialing: no tenant hz-sdyrmyy"
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["hz1_admin", "hz1_affairs", "hz1_head", "hz1_doctor"])
    }
    if len(users) < 4:
        return "credentialing: demo accounts missing"
    hospital = tenant.organization
    head_membership = Membership.objects.filter(user=users["hz1_head"], organization=hospital).first()
    department_id = head_membership.department_id if head_membership else None

    from physicians.models import Physician

    with tenant_context(tenant):
        from approvals.services import chain_create_version
        from credentialing.models import CatalogueItem, DepartmentItem, Grant

        if CatalogueItem.objects.exists():
            return "credentialing: already seeded"
        items = [
            CatalogueItem.objects.create(
                code=code,
                name=name,
                category=category,
                grade=grade,
                national_code=national,
                national_grade=grade,
            )
            for code, name, category, grade, national in ITEMS
        ]
        if department_id:
            for item in items[:6]:
                DepartmentItem.objects.create(department_id=department_id, item=item, status="approved")
        admin = users["hz1_admin"]
        chain_create_version(
            actor=admin,
            type_code="credentialing.privilege",
            note="科室主任审核，医务部与院领导会签",
            steps=[
                {
                    "name": "科室主任审核",
                    "approver_kind": "department_head",
                    "role": "",
                    "mode": "any",
                    "due_hours": 48,
                },
                {
                    "name": "医务部会签",
                    "approver_kind": "users",
                    "role": "",
                    "user_ids": [users["hz1_affairs"].pk, admin.pk],
                    "mode": "all",
                    "due_hours": 72,
                },
            ],
        )
        chain_create_version(
            actor=admin,
            type_code="credentialing.department_item",
            note="医务部审核",
            steps=[{"name": "医务部审核", "approver_kind": "role", "role": "medical_affairs", "mode": "any"}],
        )
        today = timezone.localdate()
        doctor = Physician.objects.filter(user=users["hz1_doctor"]).first()
        others = list(
            Physician.objects.filter(organization=hospital, department_id=department_id)
            .exclude(pk=getattr(doctor, "pk", None))
            .order_by("licence_number")[:4]
        ) or list(Physician.objects.filter(organization=hospital).exclude(pk=getattr(doctor, "pk", None))[:4])
        grants = 0
        for n, physician in enumerate(others):
            for item in items[2 : 4 + (n % 2)]:
                Grant.objects.create(
                    physician_id=physician.pk,
                    department_id=physician.department_id,
                    kind="surgical",
                    item=item,
                    valid_from=today - timedelta(days=200 + 30 * n),
                    valid_until=today + timedelta(days=900 - 30 * n),
                    status="suspended" if n == 3 else "active",
                    status_reason="manual" if n == 3 else "",
                )
                grants += 1
        pending = ""
        if doctor is not None and department_id:
            from credentialing.services.privileges import application_submit

            Physician.objects.filter(pk=doctor.pk).update(title="主治医师", department_id=department_id)
            actor = actor_for_membership(user=users["hz1_doctor"], organization_id=hospital.pk)
            application = application_submit(
                actor=actor,
                user=users["hz1_doctor"],
                kind="surgical",
                item_id=items[2].pk,
                form={"reason": "已在上级医师指导下完成该手术 30 例", "training": "2023 年普外科进修"},
                valid_years=3,
            )
            pending = f", 1 pending application ({application.status})"
        imported = _seed_records(hospital=hospital, items=items, user=users["hz1_affairs"], today=today)
        return f"credentialing: {len(items)} catalogue items, 2 approval chains, {grants} grants{pending}, {imported}"


def _seed_records(*, hospital, items, user, today) -> str:
    """Operations and prescriptions as if exported from the HIS (CSV through the importer, so the flags are the
    importer's): every department of the hospital, some leads without a grant, a front page naming another
    surgeon, grade-3/4 operations without a pre-operative discussion."""
    import csv
    import io
    import random

    from credentialing.services.imports import operations_import, prescriptions_import

    from organizations.models import Department
    from physicians.models import Physician

    rng = random.Random(8)  # noqa: S311 - demo data, not security
    names = dict(Department.objects.filter(organization=hospital).values_list("id", "name"))
    physicians = [
        p
        for p in Physician.objects.filter(organization=hospital).order_by("licence_number")
        if p.department_id in names
    ]
    if not physicians:
        return "no operations"
    surgical = [i for i in items if i.grade]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "病案号",
            "手术日期",
            "科室",
            "手术编码",
            "主刀医师执业证号",
            "病案首页主刀执业证号",
            "并发症",
            "死亡",
            "术前讨论日期",
        ]
    )
    for n in range(60):
        lead = rng.choice(physicians)
        item = rng.choice(surgical)
        day = today - timedelta(days=rng.randrange(3, 120))
        front = rng.choice(physicians).licence_number if rng.random() < 0.1 else lead.licence_number
        discussed = "" if item.grade >= 3 and rng.random() < 0.3 else (day - timedelta(days=1)).isoformat()
        w.writerow(
            [
                f"ZY{202600000 + n}",
                day.isoformat(),
                names[lead.department_id],
                item.code,
                lead.licence_number,
                front,
                "是" if rng.random() < 0.05 else "否",
                "否",
                discussed,
            ]
        )
    ops = operations_import(data=out.getvalue().encode(), file_name="demo-operations.csv", user_id=user.pk)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["处方号", "开具日期", "科室", "医师执业证号", "药品类别", "级别", "药品名称"])
    drugs = [
        ("antimicrobial", "restricted", "头孢哌酮舒巴坦"),
        ("antimicrobial", "special", "美罗培南"),
        ("general", "", "阿莫西林"),
    ]
    for n in range(20):
        doctor = rng.choice(physicians)
        drug_class, level, name = rng.choice(drugs)
        day = today - timedelta(days=rng.randrange(1, 60))
        w.writerow(
            [
                f"CF{202600000 + n}",
                day.isoformat(),
                names[doctor.department_id],
                doctor.licence_number,
                drug_class,
                level,
                name,
            ]
        )
    rx = prescriptions_import(
        data=out.getvalue().encode(), file_name="demo-prescriptions.csv", user_id=user.pk
    )
    if "errors" in ops or "errors" in rx:
        return f"imports refused: {(ops.get('errors') or rx.get('errors'))[:3]}"
    return f"{ops['rows']} operations and {rx['rows']} prescriptions imported"
