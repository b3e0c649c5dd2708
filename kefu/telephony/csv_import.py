"""Generic call CSV reader with a column mapping (pure: Polars, no Django).

A mapping tells which column of the file holds each of our fields and how to read it:

    {
      "columns": {"call_id": "话单编号", "offered_at": "进线时间", "outcome": "呼叫结果", "agent_staff_no": "工号", ...},
      "datetime_format": "%Y-%m-%d %H:%M:%S",         # strftime format of every time column
      "time_zone": "Asia/Shanghai",                   # zone of naive times (default: the center's)
      "outcome_values": {"接通": "answered", "放弃": "abandoned"},   # file value -> our outcome code
      "true_values": ["1", "是", "Y"], "false_values": ["0", "否", "N"],
      "transfer_kind_values": {"盲转": "blind", "咨询转": "attended"},
      "delimiter": ",", "encoding": "utf-8",          # or "gbk" (many Chinese ACD exports)
      "defaults": {"queue": "hotline"}               # constant for fields the file lacks
    }

Only call_id, offered_at and outcome are required. Without a mapping, a file with our own column names is read as is.
Every bad value is reported with its line number (the header is line 1) and nothing is returned.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import polars as pl

FIELDS = {
    # name: kind
    "call_id": "str",
    "queue": "str",
    "call_type": "str",
    "is_vip": "bool",
    "caller_number": "str",
    "offered_at": "datetime",
    "outcome": "outcome",
    "requested_agent": "bool",
    "queued": "bool",
    "answered_at": "datetime",
    "wait_seconds": "float",
    "rings": "int",
    "talk_seconds": "float",
    "hold_seconds": "float",
    "acw_seconds": "float",
    "transferred": "bool",
    "transfer_kind": "transfer",
    "transfer_target": "str",
    "disposition": "str",
    "first_call_resolved": "bool_or_null",
    "agent_staff_no": "str",
    "ended_at": "datetime",
}
REQUIRED = ("call_id", "offered_at", "outcome")
_DTYPES = {
    "str": pl.Utf8,
    "transfer": pl.Utf8,
    "outcome": pl.Utf8,
    "datetime": pl.Datetime("us", "UTC"),
    "float": pl.Float64,
    "int": pl.Int64,
    "bool": pl.Boolean,
    "bool_or_null": pl.Boolean,
}
LABELS = {
    "call_id": "呼叫标识",
    "queue": "队列",
    "call_type": "业务类型",
    "is_vip": "VIP",
    "caller_number": "主叫号码",
    "offered_at": "进入队列时间",
    "outcome": "结果",
    "requested_agent": "要求人工",
    "queued": "排队",
    "answered_at": "应答时间",
    "wait_seconds": "排队时长",
    "rings": "振铃次数",
    "talk_seconds": "通话时长",
    "hold_seconds": "保持时长",
    "acw_seconds": "事后处理时长",
    "transferred": "已转接",
    "transfer_kind": "转接方式",
    "transfer_target": "转接目标",
    "disposition": "处理结果代码",
    "first_call_resolved": "一次解决",
    "agent_staff_no": "工号",
    "ended_at": "结束时间",
}
OUTCOMES = ("answered", "abandoned", "blocked", "timeout", "empty", "exit_key", "ivr")
DEFAULT_OUTCOME_VALUES = {
    **{o: o for o in OUTCOMES},
    "已接听": "answered",
    "接通": "answered",
    "放弃": "abandoned",
    "呼损": "abandoned",
    "忙音": "blocked",
    "排队超时": "timeout",
    "无座席": "empty",
    "按键离开队列": "exit_key",
    "IVR自助": "ivr",
}
DEFAULT_TRUE = ("1", "true", "True", "TRUE", "是", "Y", "y", "yes")
DEFAULT_FALSE = ("0", "false", "False", "FALSE", "否", "N", "n", "no", "")
DEFAULT_TRANSFER = {
    "": "",
    "blind": "blind",
    "attended": "attended",
    "盲转": "blind",
    "告知后转接": "attended",
    "咨询转": "attended",
}
MAX_ERRORS = 200


@dataclass
class CsvError:
    line_no: int  # 0: the whole file / mapping
    message: str

    def __str__(self) -> str:
        return f"第{self.line_no}行：{self.message}" if self.line_no else self.message


class CsvImportError(ValueError):
    def __init__(self, errors: list[CsvError], total: int | None = None):
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__("；".join(str(e) for e in errors[:20]))


def check_mapping(mapping: dict) -> list[CsvError]:
    errors = []
    if not isinstance(mapping, dict):
        return [CsvError(0, "字段映射必须是 JSON 对象")]
    unknown = [k for k in mapping.get("columns", {}) if k not in FIELDS]
    if unknown:
        errors.append(CsvError(0, f"字段映射中有未知字段：{'、'.join(unknown)}（可用：{'、'.join(FIELDS)}）"))
    for key, value in mapping.get("outcome_values", {}).items():
        if value not in OUTCOMES:
            errors.append(CsvError(0, f"结果映射“{key}”→“{value}”无效：结果只能是 {'、'.join(OUTCOMES)}"))
    return errors


def _utf8_bytes(data: bytes, encoding: str) -> bytes:
    """The file as UTF-8 bytes for Polars, without a BOM. A UTF-8 file is checked in 8 MB pieces and passed on as is:
    decoding a month of calls into one str (2 bytes a character once there is Chinese in it) and wrapping it in a
    StringIO (4 bytes a character) cost more memory than the whole import otherwise."""
    if codecs.lookup(encoding).name != "utf-8":
        return data.decode(encoding).lstrip("\ufeff").encode("utf-8")
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for i in range(0, len(view), 1 << 23):
        decoder.decode(view[i : i + (1 << 23)])
    decoder.decode(b"", final=True)
    return data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data


def read_calls(data: bytes, mapping: dict | None, *, time_zone: str) -> pl.DataFrame:
    """Bytes of a CSV file -> a frame with exactly our FIELDS (times as UTC). Raises CsvImportError."""
    mapping = mapping or {}
    problems = check_mapping(mapping)
    if problems:
        raise CsvImportError(problems)
    encoding = mapping.get("encoding", "utf-8")
    not_encoded = CsvImportError(
        [CsvError(0, f'文件不是 {encoding} 编码的文本（可在映射中设置 "encoding"，如 "gbk"）')]
    )
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
        # UTF-8 goes to Polars as is: it checks that every field is UTF-8 (all columns are read as text; no decode of
        # the whole file) and skips a BOM, but not the header, checked here (a UTF-16 file passes for UTF-8 otherwise); the
        # whole file is checked only when Polars refuses it, to tell a wrong encoding from a broken CSV
        if utf8:
            data[: data.find(b"\n") + 1 or len(data)].decode("utf-8")
        body = data if utf8 else _utf8_bytes(data, encoding)
    except (UnicodeDecodeError, LookupError):
        raise not_encoded from None
    try:
        raw = pl.read_csv(body, separator=mapping.get("delimiter", ","), infer_schema=False)
    except Exception as exc:  # polars raises several error types for broken CSV
        if utf8:
            try:
                _utf8_bytes(data, encoding)
            except UnicodeDecodeError:
                raise not_encoded from None
        raise CsvImportError([CsvError(0, f"无法读取 CSV：{str(exc).splitlines()[0]}")]) from None
    del body
    columns = dict(mapping.get("columns") or {f: f for f in FIELDS if f in raw.columns})
    defaults = mapping.get("defaults", {})
    errors: list[CsvError] = []
    for fld, col in columns.items():
        if col not in raw.columns:
            errors.append(
                CsvError(
                    0,
                    f"映射的列“{col}”（字段 {fld} {LABELS[fld]}）在文件中不存在；文件的列为：{'、'.join(raw.columns)}",
                )
            )
    for fld in REQUIRED:
        if fld not in columns and fld not in defaults:
            errors.append(CsvError(0, f"缺少必填字段 {fld}（{LABELS[fld]}）的列映射"))
    if errors:
        raise CsvImportError(errors)

    fmt = mapping.get("datetime_format", "%Y-%m-%d %H:%M:%S")
    tz = mapping.get("time_zone", time_zone)
    true_values = [str(v) for v in mapping.get("true_values", DEFAULT_TRUE)]
    false_values = [str(v) for v in mapping.get("false_values", DEFAULT_FALSE)]
    outcome_values = {**DEFAULT_OUTCOME_VALUES, **mapping.get("outcome_values", {})}
    transfer_values = {**DEFAULT_TRANSFER, **mapping.get("transfer_kind_values", {})}

    # Every field's column and every check (mask, the value shown, message) in three steps of one lazy query, each
    # value computed once (Polars does not share a sub-expression between columns here): the file's columns stripped
    # ("s:" + field), then parsed ("p:", "t:", "f:"), then the fields and whether each check failed anywhere; the
    # failing rows of a check are looked up only then.
    stripped: dict[str, pl.Expr] = {}
    parsed: dict[str, pl.Expr] = {}
    out: dict[str, pl.Expr] = {}
    checks: list[tuple[pl.Expr, str, str]] = []
    c = pl.col
    for fld, kind in FIELDS.items():
        src = f"s:{fld}"
        if fld in columns:
            stripped[src] = c(columns[fld]).fill_null("").str.strip_chars()
        elif fld in defaults:
            stripped[src] = pl.lit(str(defaults[fld]), dtype=pl.Utf8)
        else:
            src = None
        s = c(src) if src else None
        label = f"字段 {fld}（{LABELS[fld]}，列“{columns.get(fld, '默认值')}”）"
        if kind == "str":
            out[fld] = s if s is not None else pl.lit("", dtype=pl.Utf8)
            if fld == "call_id":  # required: always a column or a default
                checks.append((s == "", src, f"{label}不能为空"))
            continue
        if s is None:  # not required (REQUIRED: a column or a default)
            out[fld] = {
                "datetime": pl.lit(None, dtype=pl.Datetime("us", "UTC")),
                "int": pl.lit(None, dtype=pl.Int64),
                "float": pl.lit(0.0, dtype=pl.Float64),
                "transfer": pl.lit("", dtype=pl.Utf8),
                "bool": pl.lit(fld == "requested_agent", dtype=pl.Boolean),
                "bool_or_null": pl.lit(None, dtype=pl.Boolean),
            }[kind]
            continue
        v = c(f"p:{fld}")
        if kind == "datetime":
            parsed[f"p:{fld}"] = s.str.strptime(pl.Datetime("us"), fmt, strict=False)
            checks.append((v.is_null() & (s != ""), src, f"{label}时间格式应为 {fmt}"))
            if fld == "offered_at":
                checks.append((s == "", src, f"{label}不能为空"))
            out[fld] = v.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone("UTC")
        elif kind in ("float", "int"):
            parsed[f"p:{fld}"] = s.cast(pl.Float64, strict=False)
            checks.append((v.is_null() & (s != ""), src, f"{label}应为数字"))
            checks.append((v < 0, src, f"{label}不能为负数"))
            if kind == "int":
                checks.append((v.is_not_null() & (v != v.floor()), src, f"{label}应为整数"))
                out[fld] = v.cast(pl.Int64, strict=False)
            else:
                out[fld] = v.fill_null(0.0)
        elif kind in ("bool", "bool_or_null"):
            parsed[f"t:{fld}"], parsed[f"f:{fld}"] = s.is_in(true_values), s.is_in(false_values)
            is_true, is_false = c(f"t:{fld}"), c(f"f:{fld}")
            checks.append(
                (
                    ~is_true & ~is_false,
                    src,
                    f"{label}应为是/否（{'、'.join(true_values[:3])} / {'、'.join(v for v in false_values[:3] if v)}）",
                )
            )
            if kind == "bool_or_null":  # an empty cell is "not known", not "no"
                out[fld] = pl.when(is_true).then(True).when(is_false & (s != "")).then(False).otherwise(None)
            else:
                out[fld] = is_true
        elif kind in ("outcome", "transfer"):
            values = outcome_values if kind == "outcome" else transfer_values
            parsed[f"p:{fld}"] = s.replace_strict(values, default=None, return_dtype=pl.Utf8)
            message = (
                f"{label}的值不在结果映射中（可在映射的 outcome_values 中设置；结果代码：{'、'.join(OUTCOMES)}）"
                if kind == "outcome"
                else f"{label}只能是盲转（blind）或告知后转接（attended）"
            )
            checks.append((v.is_null(), src, message))
            out[fld] = v
    checks.append(
        (c("s:call_id").is_duplicated() & (c("s:call_id") != ""), "s:call_id", "字段 call_id（呼叫标识）在文件中重复")
    )
    # answered calls: talk etc. as given; other outcomes carry no handling time
    out["transferred"] = out["transferred"] | (out["transfer_kind"] != "")
    failed = [f"_bad{i}" for i in range(len(checks))]
    steps = (
        raw.lazy()
        .select(*(e.alias(k) for k, e in stripped.items()), line=pl.int_range(2, pl.len() + 2, dtype=pl.Int64))
        .with_columns(**parsed)
    )
    frame = steps.select(
        *(out[f].cast(_DTYPES[FIELDS[f]]).alias(f) for f in FIELDS),
        "line",
        *(mask.fill_null(False).any().alias(name) for (mask, _, _), name in zip(checks, failed)),
    ).collect()
    if not frame.height:
        return frame.drop(failed)
    broken = frame.row(0, named=True)
    frame = frame.drop(failed)
    bad = [
        steps.filter(mask.fill_null(False)).select("line", c(src).cast(pl.Utf8).alias("value"), message=pl.lit(message))
        for (mask, src, message), name in zip(checks, failed)
        if broken[name]
    ]
    if bad:
        errs = pl.concat(pl.collect_all(bad)).sort("line", maintain_order=True)
        total = errs.height
        errors = [
            CsvError(r["line"], f"{r['message']}，实际为“{r['value']}”")
            for r in errs.head(MAX_ERRORS).iter_rows(named=True)
        ]
        raise CsvImportError(errors, total)
    return frame
