"""工单协作 (comments, attachments, the customer page). Read with policy_for("workbench", center).

- attachment_max_mb / attachment_types: the largest file and the types an order may carry. Letters and faxes are
  scanned onto the order (004:L2023 信函、FAX和自动录音受理的投诉，应提供手工整理功能: images, PDF); recorded
  messages and calls are kept with it (004:L967 系统录音的客户咨询、建议; 004:L2021 自动录音受理: audio).
- attachments_per_order: how many files and links one order may hold.
- recording_hosts: the hosts a linked recording may be played from (the center's recording server); empty: recordings
  are uploaded, not linked. The page allows exactly these hosts for audio (Content-Security-Policy media-src).
- comment_max_length: the longest internal comment.
- history_call_days: how far back the customer page lists calls (the call table is read by its time index).
No seed gives numbers for these; the values are ours, the same for every preset except the 12345 hotline, whose
complaints arrive more often as letters and scans (004:L2023).
"""

from __future__ import annotations

from pydantic import Field

from kefu.org.policy_types import Int, List, PolicyModel, Text

SECTION = "workbench"

_AUDIO = ["audio/mpeg", "audio/wav", "audio/x-wav", "audio/ogg", "audio/mp4", "audio/aac", "audio/webm"]
_SCANS = ["image/jpeg", "image/png", "application/pdf"]

_DEFAULTS = {
    "attachment_max_mb": 20,
    "attachment_types": _AUDIO + _SCANS,
    "attachments_per_order": 20,
    "recording_hosts": [],
    "comment_max_length": 2000,
    "history_call_days": 90,
}

PRESETS = {
    "hotline": dict(_DEFAULTS),
    "gov12345": {**_DEFAULTS, "attachments_per_order": 40},  # letters, faxes and their replies (004:L2023)
    "ecommerce": {**_DEFAULTS, "attachment_types": _AUDIO + _SCANS + ["image/webp"]},  # buyers' photos of goods
}


class WorkbenchPolicy(PolicyModel):
    """工单协作：附件、录音链接、内部备注、客户页的通话历史。"""

    attachment_max_mb: Int(ge=1, le=200) = Field(description="单个附件的最大大小（MB）")  # not from the seeds
    attachment_types: List(Text(min_length=1)) = Field(
        description="允许的附件类型（MIME），如来信扫描件、录音"
    )  # 004:L2023, L967
    attachments_per_order: Int(ge=1) = Field(description="一张工单最多的附件和链接数")  # not from the seeds
    recording_hosts: List(Text(min_length=1)) = Field(
        description="可链接播放录音的主机（本中心的录音服务器）；空＝录音须上传"
    )  # not from the seeds
    comment_max_length: Int(ge=1) = Field(description="内部备注的最大字数")  # not from the seeds
    history_call_days: Int(ge=1) = Field(description="客户页列出多少天内的通话")  # not from the seeds


MODEL = WorkbenchPolicy
