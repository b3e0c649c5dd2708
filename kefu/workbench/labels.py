"""Labels of kefu.tickets' states, kinds and choices in the reader's language (tickets' modules keep Chinese)."""
from django.utils.translation import gettext_lazy as _

STATE_NAMES = {"accepted": _("已受理"), "reviewed": _("已复核待派单"), "verifying": _("申诉核实中"), "processing": _("处理中"),
               "resolved": _("已处理待回复"), "replied": _("已回复"), "archived": _("已归档"), "cancelled": _("已撤消")}
KIND_NAMES = {"consultation": _("咨询"), "complaint": _("投诉"), "suggestion": _("建议"), "appeal": _("申诉"),
              "coordination": _("协调单")}
CATEGORY_NAMES = {"tariff": _("资费类"), "service": _("服务类"), "network": _("网络类"), "business": _("业务类"),
                  "other": _("其他")}
SATISFACTION_NAMES = {"satisfied": _("满意"), "dissatisfied": _("不满意")}
CUSTOMER_KIND_NAMES = {"ordinary": _("普通客户"), "key_account": _("大客户"), "distributor": _("代理分销商")}
HIT_CATEGORY_NAMES = {"forbidden": _("服务忌语"), "discouraged": _("习惯用语")}
FIELD_NAMES = {"description": _("事件描述"), "reply": _("回复内容")}
TASK_KIND_NAMES = {"callback": _("预约回呼"), "return_visit": _("投诉回访"), "member_visit": _("会员回访"),
                   "new_buyer": _("新成交买家回访"), "received": _("收货买家回访"), "long_term": _("老买家回访"),
                   "other": _("其他回呼")}
LEVELS = [(1, _("1级")), (2, _("2级")), (3, _("3级")), (4, _("4级"))]
