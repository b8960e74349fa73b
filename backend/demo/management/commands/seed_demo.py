"""Seed the demo province: Zhejiang with its 11 cities and 90 counties (real division codes), their commissions,
8 hospitals that are tenants, 2 more institutions that are not, an industry organisation, 2 assessment bodies,
300 physicians and one account for every role (listed in README.md). Runs once: a second run sees the data
and does nothing. Passwords are hashed once and shared (hashing costs ~200 ms a row)."""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from demo.regions import ZHEJIANG

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - the documented demo password

# (name, slug or None when not a tenant, county code, type, grade)
INSTITUTIONS = [
    ("杭州市第一人民医院", "hz-sdyrmyy", "330102", "综合医院", "三级甲等"),
    ("杭州市中医院", "hz-zyy", "330105", "中医医院", "三级甲等"),
    ("杭州市西湖区人民医院", "hz-xhrmyy", "330106", "综合医院", "二级甲等"),
    ("杭州市滨江医院", "hz-bjyy", "330108", "综合医院", "三级乙等"),
    ("宁波市第一医院", "nb-dyyy", "330203", "综合医院", "三级甲等"),
    ("宁波市鄞州人民医院", "nb-yzrmyy", "330212", "综合医院", "三级乙等"),
    ("温州市人民医院", "wz-rmyy", "330302", "综合医院", "三级甲等"),
    ("温州市中心医院", "wz-zxyy", "330303", "综合医院", "三级乙等"),
    ("杭州市上城区湖滨街道社区卫生服务中心", None, "330102", "社区卫生服务中心", ""),
    ("宁波市江北区庄桥街道社区卫生服务中心", None, "330205", "社区卫生服务中心", ""),
]
DEPARTMENTS = ["普外科", "心血管内科", "呼吸内科", "儿科", "妇产科", "急诊科", "骨科", "麻醉科"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文斌宇浩凯健俊帆鑫波宁婷雪琳晨阳欣怡佳"
TITLES = ["主任医师", "副主任医师", "主治医师", "医师"]
CATEGORIES = ["clinical"] * 7 + ["tcm", "dental", "public_health"]


def id_card_number(region_code: str, birth: date, seq: int) -> str:
    """A well-formed 18-digit ID-card number (GB 11643 check digit) for made-up people."""
    body = f"{region_code}{birth:%Y%m%d}{seq % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


class Command(BaseCommand):
    help = "Seed the demo province (once)."

    def handle(self, *args, **options):
        from demo.credentialing import seed_credentialing
        from organizations.models import Region

        if Region.objects.filter(code="330000").exists():
            self.stdout.write("demo data already present: nothing to do")
        else:
            started = time.monotonic()
            self.seed()
            self.stdout.write(
                self.style.SUCCESS(f"demo province seeded in {time.monotonic() - started:.1f} s")
            )
        # both idempotent: they add their part to a database seeded before they existed
        self.stdout.write(seed_credentialing())
        self.seed_proctoring()

    def seed_proctoring(self):
        """A proctored hospital exam with photos in the object store (demo/proctoring.py); idempotent on its own,
        so a database seeded before it existed gets it too."""
        from demo.proctoring import seed_proctoring

        name = seed_proctoring(password_hash=make_password(DEMO_PASSWORD))
        if name:
            self.stdout.write(
                f"proctored sitting “{name}” with 3 reviewed-ready attempts (hz1_admin, hz1_affairs)"
            )

    @transaction.atomic
    def seed(self):
        from accounts.models import Membership, User
        from accounts.roles import Role
        from assessment_bodies.models import AssessmentBodyAssignment
        from core.crypto import encrypt, keyed_hash
        from organizations.models import Department, Organization, Region
        from organizations.validators import uscc_with_check
        from physicians.models import Physician
        from tenants.services import tenant_provision

        rng = random.Random(2026)  # noqa: S311 - demo data, reproducible
        password = make_password(DEMO_PASSWORD)
        regions: dict[str, Region] = {}
        for (pcode, pname), cities in ZHEJIANG.items():
            province = Region.objects.create(code=pcode, name=pname, level="province", path=f"{pcode}/")
            regions[pcode] = province
            for (ccode, cname), counties in cities.items():
                city = Region.objects.create(
                    code=ccode, name=cname, level="city", parent=province, path=f"{province.path}{ccode}/"
                )
                regions[ccode] = city
                for kcode, kname in counties:
                    regions[kcode] = Region.objects.create(
                        code=kcode, name=kname, level="county", parent=city, path=f"{city.path}{kcode}/"
                    )

        def org(name, kind, region, **extra):
            return Organization.objects.create(
                name=name,
                kind=kind,
                region=region,
                region_path=region.path,
                contact_phone="0571-8888" + "0000",
                address=f"{region.name}{name}",
                **extra,
            )

        commissions = {}
        for code, region in regions.items():
            if region.level == "county":
                name = f"{region.parent.name}{region.name}卫生健康局"
            else:
                name = f"{region.name}卫生健康委员会"
            commissions[code] = org(
                name,
                "commission",
                region,
                committee_name=f"{region.name}医师定期考核管理委员会",
                office_name=f"{region.name}医师定期考核办公室",
                unified_social_credit_code=uscc_with_check(f"1133{code[2:6]}MB{len(commissions):07d}"),
            )

        association = org(
            "浙江省医师协会",
            "industry_org",
            regions["330000"],
            unified_social_credit_code=uscc_with_check("51330000MJ0000001"),
            is_assessment_body=True,
        )
        hospitals = []
        for i, (name, slug, county, kind, grade) in enumerate(INSTITUTIONS):
            hospital = org(
                name,
                "institution",
                regions[county],
                institution_type=kind,
                grade=grade,
                unified_social_credit_code=uscc_with_check(f"1233{county[2:6]}A{i:08d}"),
                may_apply_assessment_body=True,
                is_assessment_body=(slug == "hz-sdyrmyy"),
            )
            departments = [
                Department(organization=hospital, name=d, code=f"D{j + 1:02d}")
                for j, d in enumerate(DEPARTMENTS)
            ]
            Department.objects.bulk_create(departments)
            hospitals.append((hospital, slug, departments))

        users: dict[str, User] = {}

        def account(username, name, organization, role, department=None):
            user = users.get(username)
            if user is None:
                user = User.objects.create(
                    username=username,
                    name=name,
                    password=password,
                    must_change_password=False,
                    phone=f"138{len(users):08d}",
                )
                users[username] = user
            Membership.objects.create(user=user, organization=organization, role=role, department=department)
            return user

        account("zj_admin", "省卫健委管理员", commissions["330000"], Role.PROVINCE_ADMIN)
        account("hz_admin", "杭州市卫健委管理员", commissions["330100"], Role.CITY_ADMIN)
        account("nb_admin", "宁波市卫健委管理员", commissions["330200"], Role.CITY_ADMIN)
        account("wz_admin", "温州市卫健委管理员", commissions["330300"], Role.CITY_ADMIN)
        account("xh_admin", "西湖区卫健局管理员", commissions["330106"], Role.COUNTY_ADMIN)
        account("sc_admin", "上城区卫健局管理员", commissions["330102"], Role.COUNTY_ADMIN)
        account("expert1", "考核专家", commissions["330000"], Role.EXPERT)
        account("assoc_admin", "医师协会管理员", association, Role.INDUSTRY_ADMIN)
        account("body1_reviewer", "医师协会审核员", association, Role.ASSESSMENT_REVIEWER)

        hz_admin = users["hz_admin"]
        by_name = {h.name: h for h, _s, _d in hospitals}
        # Assessment bodies: the association serves Xihu district (a cross-region assignment by Hangzhou, the
        # association being a province-level body), Hangzhou No.1 serves Binjiang Hospital.
        AssessmentBodyAssignment.objects.create(
            body=association,
            target_region=regions["330106"],
            target_region_path=regions["330106"].path,
            assigned_by=commissions["330100"],
            assigned_by_region_path=commissions["330100"].region_path,
            is_cross_region=True,
            created_by=hz_admin,
        )
        binjiang = by_name["杭州市滨江医院"]
        AssessmentBodyAssignment.objects.create(
            body=by_name["杭州市第一人民医院"],
            target_organization=binjiang,
            target_region_path=binjiang.region_path,
            assigned_by=commissions["330100"],
            assigned_by_region_path=commissions["330100"].region_path,
            created_by=hz_admin,
        )

        hz1, _slug, hz1_depts = hospitals[0]
        nb1 = hospitals[4][0]
        account("body2_reviewer", "市一医院考核审核员", hz1, Role.ASSESSMENT_REVIEWER)
        account("hz1_affairs", "市一医院医务部", hz1, Role.MEDICAL_AFFAIRS)
        account("hz1_head", "普外科主任", hz1, Role.DEPARTMENT_HEAD, department=hz1_depts[0])
        doctor = account("hz1_doctor", "王伟", hz1, Role.DOCTOR, department=hz1_depts[0])

        for hospital, slug, _departments in hospitals:
            if slug is None:
                continue
            admin = None
            if hospital == hz1:
                admin = User.objects.create(
                    username="hz1_admin", name="市一医院管理员", password=password, must_change_password=False
                )
            elif hospital == nb1:
                admin = User.objects.create(
                    username="nb1_admin", name="宁波一院管理员", password=password, must_change_password=False
                )
            tenant_provision(organization=hospital, slug=slug, admin_user=admin)

        physicians = []
        seq = 0
        for hospital, _slug, departments in hospitals:
            count = 33 if hospital.institution_type != "社区卫生服务中心" else 18
            for _ in range(count):
                seq += 1
                birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 12000))
                id_card = id_card_number(hospital.region.code, birth, seq)
                physicians.append(
                    Physician(
                        name=rng.choice(SURNAMES)
                        + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
                        gender=rng.choice(["男", "女"]),
                        birth_date=birth,
                        id_card_encrypted=encrypt(id_card),
                        id_card_hash=keyed_hash(id_card),
                        id_card_last4=id_card[-4:],
                        phone=f"139{seq:08d}",
                        licence_number=f"1103{hospital.region.code}{seq:05d}",
                        practice_category=rng.choice(CATEGORIES),
                        practice_scope="内科专业" if rng.random() < 0.5 else "外科专业",
                        title=rng.choice(TITLES),
                        organization=hospital,
                        region_path=hospital.region_path,
                        department=rng.choice(departments),
                    )
                )
        physicians = physicians[:300]
        physicians[0].user = doctor
        physicians[0].name = doctor.name
        physicians[0].organization = hz1
        physicians[0].region_path = hz1.region_path
        physicians[0].department = hz1_depts[0]
        Physician.objects.bulk_create(physicians, batch_size=500)
        enrolled = self.seed_cycle(
            creator=users["zj_admin"],
            physicians=physicians,
            hospitals={h.name: h for h, _s, _d in hospitals},
            association=association,
            rng=rng,
        )
        self.stdout.write(f"cycle 2024-2026 active with {enrolled} enrolments in every stage")
        from assessment.models import Cycle

        from demo.exams import seed_exams

        sitting = seed_exams(
            cycle=Cycle.objects.get(code="2024-2026"), owner=commissions["330000"], creator=users["zj_admin"]
        )
        self.stdout.write(f"exam sitting “{sitting.name}” open until {sitting.closes_at:%Y-%m-%d}")
        self.stdout.write(
            f"{len(regions)} regions, {Organization.objects.count()} organisations, "
            f"{sum(1 for h in hospitals if h[1])} tenants, {len(physicians)} physicians, {len(users) + 2} accounts"
        )

    def seed_cycle(self, *, creator, physicians, hospitals, association, rng) -> int:
        """The 2024-2026 cycle in force, every phase open, and the physicians of three Hangzhou hospitals
        enrolled in every stage of the flow (a demo shows each screen with data)."""
        from assessment.models import Cycle, CycleSettings, Enrolment, SelfReport
        from django.utils import timezone

        today = timezone.localdate()
        now = timezone.now()
        window = {"opens": str(today - timedelta(days=60)), "closes": str(today + timedelta(days=60))}
        cycle = Cycle.objects.create(
            code="2024-2026",
            name="2024—2026年度医师定期考核",
            starts_on=date(2024, 1, 1),
            ends_on=date(2026, 12, 31),
            status="active",
            created_by=creator,
        )
        cycle.settings = CycleSettings.objects.create(
            cycle=cycle,
            version=1,
            phases=dict.fromkeys(
                (
                    "self_report",
                    "department_rating",
                    "institution_review",
                    "body_review",
                    "competence_test",
                    "makeup",
                    "confirmation",
                ),
                window,
            ),
            components=[
                {"component": "competence_test", "weight": 60, "procedures": ["general"]},
                {"component": "work_performance", "weight": 20, "procedures": ["general", "simplified"]},
                {"component": "ethics", "weight": 20, "procedures": ["general", "simplified"]},
            ],
            result_levels={"excellent": 90, "pass": 60},
            simplified_rules={"min_practice_years": 15, "max_adverse_records": 0},
            exemption_rules={
                "reasons": ["援外医疗", "重大公共卫生事件一线工作"],
                "attachment_required": True,
            },
            forms={"required": ["basic", "practice", "experience", "work_performance", "ethics"]},
            note="首版考核设置",
            created_by=creator,
        )
        cycle.save(update_fields=["settings"])
        bodies = {"杭州市西湖区人民医院": association, "杭州市滨江医院": hospitals["杭州市第一人民医院"]}
        stages = [
            "enrolled",
            "drafting",
            "submitted",
            "department_rated",
            "institution_approved",
            "body_approved",
            "scored",
            "score_confirmed",
            "publicized",
            "passed",
            "makeup_pending",
        ]
        enrolments = []
        for i, physician in enumerate(
            p for p in physicians if p.organization.name in ("杭州市第一人民医院", *bodies)
        ):
            status = "drafting" if i == 0 else stages[i % len(stages)]  # hz1_doctor: a report to finish
            enrolments.append(
                Enrolment(
                    cycle=cycle,
                    settings=cycle.settings,
                    physician=physician,
                    organization=physician.organization,
                    region_path=physician.region_path,
                    department=physician.department,
                    title=physician.title,
                    assessment_body=bodies.get(physician.organization.name),
                    procedure=""
                    if status in ("enrolled", "drafting")
                    else rng.choice(["general"] * 4 + ["simplified"]),
                    status=status,
                    submitted_at=None
                    if status in ("enrolled", "drafting")
                    else now - timedelta(days=i % 20 + 1),
                    enrolled_by=creator,
                )
            )
        Enrolment.objects.bulk_create(enrolments)
        SelfReport.objects.bulk_create(
            SelfReport(
                enrolment=e,
                procedure=e.procedure,
                forms={"work_performance": {"summary": "完成门诊、住院诊疗工作，无医疗差错。"}},
            )
            for e in enrolments
            if e.status != "enrolled"
        )
        self.seed_scores(cycle, enrolments, scorer=creator, rng=rng, today=today)
        return len(enrolments)

    def seed_scores(self, cycle, enrolments, *, scorer, rng, today) -> None:
        """Scores, totals and levels of the enrolments past scoring, as the results services would have left
        them (those listed for the make-up failed the competence test)."""
        from assessment.models import Enrolment, ScoreEntry
        from assessment.selectors.results import required_components
        from assessment.services.results import compute_result

        scored = ("scored", "score_confirmed", "publicized", "passed", "makeup_pending")
        entries = []
        for e in (e for e in enrolments if e.status in scored):
            fail = e.status == "makeup_pending"
            rows = [
                ScoreEntry(
                    enrolment=e,
                    component=c["component"],
                    score=Decimal(rng.randint(35, 55) if fail else rng.randint(70, 98)),
                    passed=(not fail) if c["component"] == "competence_test" else None,
                    settings=cycle.settings,
                    entered_by=scorer,
                )
                for c in required_components(cycle.settings, e.procedure)
            ]
            entries += rows
            e.total_score, e.result_level = compute_result(cycle.settings, e.procedure, rows, makeup=False)
            e.result_settings = cycle.settings
            if e.status in ("publicized", "passed", "makeup_pending"):
                e.publicity_ends_on = today - timedelta(days=1) if e.status != "publicized" else today
        ScoreEntry.objects.bulk_create(entries)
        Enrolment.objects.bulk_update(
            [e for e in enrolments if e.status in scored],
            ["total_score", "result_level", "result_settings", "publicity_ends_on"],
        )
