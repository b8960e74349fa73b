"""The face-capture consent text the physician agrees to, by version. A new wording is a new version (the
old ones stay here: a consent row names the version it was given under); physicians consent again."""

import hashlib
import json

CURRENT_VERSION = "2025-01"

TEXTS = {
    "2025-01": {
        "zh-CN": (
            "人脸信息采集授权\n"
            "为核验参加考试的是您本人，本场考试在作答期间将通过手机摄像头随机抓拍您的面部照片，"
            "并与所在机构上传或审核的底照进行比对。人脸信息属于敏感个人信息，仅用于本场考试的身份核验"
            "与监考审核，由组织考试的机构和考核机构的审核人员查看，每次查看均有记录。照片在考试（或考核周期）"
            "结束后按规定期限删除；被认定存在违规或正在申诉的，保留至处理完毕。您可以拒绝授权，"
            "但拒绝后无法参加需要监考的考试。点击“同意”即表示您已阅读并单独同意上述人脸信息处理。"
        ),
        "en": (
            "Consent to face capture\n"
            "To verify that it is you who takes the exam, the phone camera takes photos of your face at random "
            "times while you answer, and they are compared with the reference photo your institution uploaded "
            "or approved. Face data is sensitive personal information. It is used only to verify your identity "
            "and to review this exam, seen by reviewers of the organisation running the exam and of the "
            "assessment body, and every view is recorded. Photos are deleted a set time after the exam (or the "
            "assessment cycle) closes; photos under a finding or an appeal are kept until it is settled. You "
            "may refuse, but then you cannot take an exam that is proctored. By choosing Agree you confirm that "
            "you have read this text and separately consent to this processing of your face data."
        ),
    },
}


def text_sha256(version: str) -> str:
    return hashlib.sha256(json.dumps(TEXTS[version], ensure_ascii=False, sort_keys=True).encode()).hexdigest()
