from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("质检"), "quality:tasks", "page.quality.tasks"),
    (_("质检校准"), "quality:calibrations", "quality.get_calibration"),
    (_("质检申诉"), "quality:appeals", "page.quality.appeals"),
    (_("班次质检"), "quality:shift", "quality.shift_summary"),
]
