"""The texts of the notifications: zh-CN gettext msgids, rendered in zh-CN when a row is made (stored in
`title` and `body`) and again at read time in the reader's language from the row's `template` and `params`.

Params are language neutral: keys of choices (phase, result level, who returned) are translated here when
rendered; names (cycle, organisation), dates, counts and free text (a reviewer's comment) are kept as given.
"""

from assessment.enums import Phase, ResultLevel
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

RETURNED_BY = {
    "department_return": _("科室"),
    "institution_return": _("所在机构"),
    "body_return": _("考核机构"),
}

# template key -> (title, body)
MESSAGES = {
    "returned": (
        _("填报信息被退回"),
        _("您在“%(cycle)s”中提交的填报信息已被%(by)s退回，请修改后重新提交。"),
    ),
    "returned_comment": (
        _("填报信息被退回"),
        _("您在“%(cycle)s”中提交的填报信息已被%(by)s退回，请修改后重新提交。退回意见：%(comment)s"),
    ),
    "result_published": (
        _("考核结果已公示"),
        _("您在“%(cycle)s”中的考核结果已公示：%(level)s。"),
    ),
    "result_published_until": (
        _("考核结果已公示"),
        _("您在“%(cycle)s”中的考核结果已公示：%(level)s，公示期至 %(until)s。"),
    ),
    "result_published_plain": (
        _("考核结果已公示"),
        _("您在“%(cycle)s”中的考核结果已公示，请登录查看。"),
    ),
    "phase_started": (
        _("“%(phase)s”阶段已开始"),
        _("“%(cycle)s”的“%(phase)s”阶段已开始，截止日期为 %(closes)s，请及时办理。"),
    ),
    "phase_started_staff": (
        _("“%(phase)s”阶段已开始"),
        _(
            "“%(cycle)s”的“%(phase)s”阶段已开始，截止日期为 %(closes)s；%(organization)s有 %(count)d 份待处理。"
        ),
    ),
    "deadline": (
        _("“%(phase)s”即将截止"),
        _("“%(cycle)s”的“%(phase)s”阶段将于 %(closes)s 截止，请尽快办理。"),
    ),
    "deadline_staff": (
        _("“%(phase)s”即将截止"),
        _("“%(cycle)s”的“%(phase)s”阶段将于 %(closes)s 截止；%(organization)s尚有 %(count)d 份待处理。"),
    ),
    # approvals (hospital modules); `hospital` is the hospital's name, `title` the request's title
    "approval_pending": (
        _("待审批：%(title)s"),
        _("%(hospital)s的申请“%(title)s”已到“%(step)s”环节，等待您审批。"),
    ),
    "approval_overdue": (
        _("审批超时：%(title)s"),
        _("%(hospital)s的申请“%(title)s”在“%(step)s”环节已超过办理时限，请尽快审批。"),
    ),
    "approval_approved": (
        _("申请已通过：%(title)s"),
        _("您在%(hospital)s提交的申请“%(title)s”已审批通过。"),
    ),
    "approval_rejected": (
        _("申请被驳回：%(title)s"),
        _("您在%(hospital)s提交的申请“%(title)s”已被驳回。意见：%(comment)s"),
    ),
    "approval_returned": (
        _("申请被退回修改：%(title)s"),
        _("您在%(hospital)s提交的申请“%(title)s”已被退回，请修改后重新提交。意见：%(comment)s"),
    ),
}


def _localized(params: dict) -> dict:
    values = dict(params)
    if "phase" in values:
        values["phase"] = str(Phase(values["phase"]).label)
    if "level" in values:
        values["level"] = str(ResultLevel(values["level"]).label)
    if "by" in values:
        values["by"] = str(RETURNED_BY[values["by"]])
    return values


def render(template: str, params: dict) -> tuple[str, str]:
    """(title, body) of `template` with `params` in the active language."""
    title, body = MESSAGES[template]
    values = _localized(params)
    return str(title) % values, str(body) % values


def render_stored(template: str, params: dict) -> tuple[str, str]:
    """(title, body) in zh-CN, as stored on the row."""
    with translation.override(settings.LANGUAGE_CODE):
        return render(template, params)


def for_reader(notification) -> tuple[str, str]:
    """(title, body) in the reader's language (the request's): the stored zh-CN text, or a rendering of the
    row's template for another language (the stored text when the template cannot render)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).lower()
    if language.startswith("zh"):
        return notification.title, notification.body
    try:
        return render(notification.template, notification.params)
    except (KeyError, ValueError, TypeError):
        return notification.title, notification.body


def zh():
    """A context in which lazy texts render in zh-CN (SMS are always sent in zh-CN)."""
    return translation.override(settings.LANGUAGE_CODE)
