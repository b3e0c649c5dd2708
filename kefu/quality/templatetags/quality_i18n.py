"""`{{ text|preset }}`: a preset's Chinese wording (scorecard items, shift names) in the user's language.

Presets are data a center may edit; a label still worded as shipped has a catalogue entry and reads in
English, a label the center typed itself stays as typed.
"""

from django import template
from django.utils.translation import gettext, gettext_noop

# The preset wording (kefu.quality.policy: scorecards and shift names), marked for the catalogue.
PRESET_WORDING = (
    gettext_noop("热线服务质量监听评分表"),
    gettext_noop("开场与礼仪"),
    gettext_noop("服务态度"),
    gettext_noop("业务处理"),
    gettext_noop("结束语"),
    gettext_noop("红线"),
    gettext_noop("主动问候并报工号"),
    gettext_noop("普通话清晰，语速适中（约每分钟120字），语调柔和"),
    gettext_noop("服务态度热情耐心，不推诿"),
    gettext_noop("使用礼貌用语，无服务忌语"),
    gettext_noop("让客户等待前征得同意，恢复后致歉"),
    gettext_noop("业务解答准确、熟练"),
    gettext_noop("提交前复述客户问题并确认"),
    gettext_noop("确认客户已理解解释"),
    gettext_noop("业务处理时限符合要求"),
    gettext_noop("询问“还有什么可以帮助您”并道别"),
    gettext_noop("泄露客户资料或业务密码"),
    gettext_noop("顶撞、指责或辱骂客户（五个不说）"),
    gettext_noop("白班"),
    gettext_noop("夜班"),
    gettext_noop("12345热线服务质量监听评分表"),
    gettext_noop("普通话清晰，语速语调适中"),
    gettext_noop("政策解答准确（补贴、贷款等政策口径）"),
    gettext_noop("交办承办单位准确"),
    gettext_noop("复述诉求并完整记录"),
    gettext_noop("泄露来电人信息"),
    gettext_noop("顶撞、指责或辱骂来电人"),
    gettext_noop("服务质量综合考评表"),
    gettext_noop("服务"),
    gettext_noop("能力"),
    gettext_noop("服务用语"),
    gettext_noop("语气语调"),
    gettext_noop("客户需求的归纳能力"),
    gettext_noop("接待客户应变能力"),
    gettext_noop("泄露客户资料"),
    gettext_noop("晚班"),
)

register = template.Library()


@register.filter
def preset(text):
    return gettext(text) if isinstance(text, str) and text else text
