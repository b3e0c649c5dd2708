ITEMS = [
    ("质检", "quality:tasks", "page.quality.tasks"),
    ("质检校准", "quality:calibrations", "quality.get_calibration"),
    ("质检申诉", "quality:appeals", "page.quality.appeals"),
    ("班次质检", "quality:shift", "quality.shift_summary"),
]
