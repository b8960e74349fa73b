"""Demo exam data: the province's competence-test bank for the 2024-2026 cycle (questions on the Physicians
Law and medical ethics, common to every practice category), a blueprint, a sitting open now and linked to the
cycle, and a practice bank with the same questions for 学习."""

from datetime import timedelta

from django.utils import timezone
from exams.enums import BankPurpose, QuestionKind
from exams.models import Blueprint, QuestionBank, Sitting
from exams.services.banks import question_store

S, M = QuestionKind.SINGLE, QuestionKind.MULTIPLE

# (kind, stem, options A-D, answer keys, explanation)
QUESTIONS = [
    (
        S,
        "《中华人民共和国医师法》自何时起施行？",
        ["2021年3月1日", "2022年3月1日", "2022年1月1日", "2023年3月1日"],
        ["B"],
        "《医师法》于2021年8月20日通过，自2022年3月1日起施行。",
    ),
    (S, "医师定期考核的周期为几年？", ["1年", "2年", "3年", "5年"], ["C"], "医师定期考核每三年为一个周期。"),
    (
        S,
        "定期考核不合格的医师，暂停执业活动的期限为：",
        ["1至3个月", "3至6个月", "6至12个月", "12个月以上"],
        ["B"],
        "考核不合格的，责令暂停执业活动三个月至六个月，并接受相关培训和继续医学教育。",
    ),
    (
        S,
        "医师在执业活动中，下列哪项不属于医师的权利？",
        ["获取劳动报酬", "参加专业培训", "拒绝抢救危急患者", "从事医学教育"],
        ["C"],
        "对需要紧急救治的患者，医师应当采取紧急措施进行诊治，不得拒绝急救处置。",
    ),
    (
        S,
        "医师实施医疗、预防、保健措施，签署有关医学证明文件，必须：",
        ["亲自诊查、调查", "由上级医师审核", "由护士代为填写", "由患者家属确认"],
        ["A"],
        "医师签署有关医学证明文件，必须亲自诊查、调查，并按照规定及时填写病历等医学文书。",
    ),
    (
        S,
        "下列哪项是医患沟通中最重要的原则？",
        ["以医师为中心", "尊重患者知情同意", "尽量减少告知", "只告知家属"],
        ["B"],
        "患者享有知情同意权，医师应当如实向患者说明病情和医疗措施。",
    ),
    (
        S,
        "抗菌药物临床应用分级管理中，特殊使用级抗菌药物的使用应当：",
        [
            "住院医师即可开具",
            "经抗菌药物管理工作组指定的专业技术人员会诊同意",
            "由药师决定",
            "患者要求即可使用",
        ],
        ["B"],
        "特殊使用级抗菌药物须经指定的专业技术人员会诊同意后，由具有相应处方权的医师开具。",
    ),
    (
        S,
        "发现甲类传染病患者，城镇责任报告单位应于多长时间内报告？",
        ["2小时", "6小时", "12小时", "24小时"],
        ["A"],
        "甲类传染病及按甲类管理的乙类传染病，应于2小时内报告。",
    ),
    (
        S,
        "麻醉药品和第一类精神药品处方的保存期限为：",
        ["1年", "2年", "3年", "5年"],
        ["C"],
        "麻醉药品和第一类精神药品处方保存期限为3年。",
    ),
    (
        S,
        "病历书写中，因抢救危急患者未能及时书写病历的，应在抢救结束后几小时内据实补记？",
        ["2小时", "6小时", "12小时", "24小时"],
        ["B"],
        "因抢救急危患者未能及时书写病历的，有关医务人员应当在抢救结束后6小时内据实补记，并加以注明。",
    ),
    (
        S,
        "医疗机构发生重大医疗过失行为，应当在多长时间内向所在地卫生健康主管部门报告？",
        ["2小时", "12小时", "24小时", "48小时"],
        ["B"],
        "发生重大医疗过失行为的，医疗机构应当在12小时内向所在地卫生健康主管部门报告。",
    ),
    (
        S,
        "医师外出会诊，应当经过：",
        ["本人同意即可", "所在医疗机构批准", "患者同意即可", "卫生健康主管部门批准"],
        ["B"],
        "医师外出会诊应当经所在医疗机构批准。",
    ),
    (
        M,
        "医师定期考核包括下列哪些内容？",
        ["业务水平测评", "工作成绩", "职业道德", "科研经费数额"],
        ["A", "B", "C"],
        "定期考核包括业务水平测评、工作成绩和职业道德评定。",
    ),
    (
        M,
        "下列哪些情形可以适用定期考核简易程序？",
        [
            "具有5年以上执业经历",
            "考核周期内有良好行为记录",
            "考核周期内有不良行为记录",
            "具有12年以上执业经历且无不良记录",
        ],
        ["B", "D"],
        "具有较长执业经历且考核周期内有良好行为记录、无不良记录的医师可以适用简易程序。",
    ),
    (
        M,
        "医师在执业活动中应当履行的义务包括：",
        ["遵守临床诊疗指南", "尊重、关心、爱护患者", "保护患者隐私和个人信息", "按患者要求开具任何药品"],
        ["A", "B", "C"],
        "医师应当遵循临床诊疗指南和技术操作规范，尊重患者，依法保护患者隐私和个人信息。",
    ),
    (
        M,
        "下列属于医疗核心制度的有：",
        ["首诊负责制度", "三级查房制度", "疑难病例讨论制度", "绩效奖金分配制度"],
        ["A", "B", "C"],
        "医疗质量安全核心制度包括首诊负责、三级查房、疑难病例讨论等十八项制度。",
    ),
    (
        M,
        "处方开具应当遵循的规定包括：",
        ["使用规范的药品通用名称", "一般不超过7日用量", "字迹清楚，不得涂改", "可以使用自编缩写"],
        ["A", "B", "C"],
        "处方一般不得超过7日用量，应使用药品通用名称，字迹清楚。",
    ),
    (
        M,
        "医疗纠纷的解决途径包括：",
        ["双方自愿协商", "申请人民调解", "申请行政调解", "向人民法院提起诉讼"],
        ["A", "B", "C", "D"],
        "《医疗纠纷预防和处理条例》规定了协商、人民调解、行政调解、诉讼等途径。",
    ),
]


def seed_exams(*, cycle, owner, creator) -> Sitting:
    """Both banks, the blueprint (10 single x 6 + 4 multiple x 10 = 100, pass 60, 60 minutes) and a sitting
    of the cycle open since yesterday for 30 days."""
    now = timezone.now()
    banks = {}
    for purpose, name in (
        (BankPurpose.EXAM, "2024—2026年度医师定期考核业务水平测评题库"),
        (BankPurpose.PRACTICE, "医师定期考核练习题库"),
    ):
        bank = QuestionBank.objects.create(owner=owner, name=name, purpose=purpose, created_by=creator)
        for i, (kind, stem, options, answer, explanation) in enumerate(QUESTIONS):
            question_store(
                bank=bank,
                user=creator,
                kind=kind,
                content={
                    "stem": stem,
                    "options": [{"key": k, "text": t} for k, t in zip("ABCD", options, strict=True)],
                    "answer": answer,
                    "explanation": explanation,
                },
                classification={
                    "specialty": "卫生法规与医学伦理",
                    "difficulty": 1 + i % 3,
                    "tags": ["医师法"],
                },
            )
        banks[purpose] = bank
    blueprint = Blueprint.objects.create(
        owner=owner,
        bank=banks[BankPurpose.EXAM],
        name="业务水平测评组卷方案",
        rules=[
            {"kind": S, "count": 10, "points": "6", "specialty": "", "difficulty": None},
            {"kind": M, "count": 4, "points": "10", "specialty": "", "difficulty": None},
        ],
        time_limit_minutes=60,
        pass_mark=60,
        created_by=creator,
    )
    return Sitting.objects.create(
        owner=owner,
        blueprint=blueprint,
        name="2024—2026年度医师定期考核业务水平测评",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        cycle=cycle,
        created_by=creator,
    )
