"""The REST API: one NinjaAPI, a router per app, OpenAPI at /api/docs.

Errors are JSON {"detail": [{"field", "rule", "message"}]} with Chinese messages.
"""

from __future__ import annotations

from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kefu.errors import RuleViolation, http_problem
from kefu.registry import app_modules
from kefu.web.inputs import CleaningParser


class ProblemOut(Schema):
    """一个问题：字段（无则为 null）、规则代码、中文说明。"""

    field: str | None
    rule: str
    message: str


class ErrorOut(Schema):
    """所有错误响应的格式：{"detail": [{"field", "rule", "message"}]}。"""

    detail: list[ProblemOut]


# Declared on every operation in the OpenAPI schema (an operation declaring a status itself keeps its own).
ERROR_RESPONSES = {
    400: "输入不合法或违反业务规则（字段、规则与中文说明）",
    401: "未登录或令牌无效",
    403: "当前角色无权执行此操作，或 CSRF 校验失败",
    404: "对象不存在",
    422: "参数缺失、类型或格式不正确",
}


class KefuAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """django-ninja documents only the responses an operation declares; kefu's error responses have one shape
        for every operation, added here once instead of on each of them."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components["ErrorOut"] = error_schema
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": content}
        return schema


api = KefuAPI(
    title="kefu 客服中心运营管理系统 API",
    version="1.0",
    description="工单、组织、工作日历、交接班、话务与指标、排班、质检与知识库。"
    "页面使用会话认证（需 CSRF），集成使用 `Authorization: Bearer <令牌>`。",
    urls_namespace="api",
    parser=CleaningParser(),  # control characters cleaned from every body and query (kefu.web.inputs)
)

_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为布尔值",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "enum": "取值应为：{expected}",
    "literal_error": "取值应为：{expected}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "greater_than": "应大于 {gt}",
    "less_than": "应小于 {lt}",
    "string_type": "应为字符串",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "json_invalid": "JSON 格式错误",
    "model_attributes_type": "应为对象",
    "value_error": "{msg}",
}


def chinese_message(error: dict) -> str:
    kind = error.get("type", "")
    template = _PYDANTIC_MESSAGES.get(kind)
    ctx = dict(error.get("ctx") or {})
    if kind == "value_error":
        ctx["msg"] = str(ctx.get("error", error.get("msg", ""))).removeprefix("Value error, ")
    try:
        return template.format(**ctx) if template else f"输入不合法（{error.get('msg', kind)}）"
    except (KeyError, IndexError):
        return f"输入不合法（{error.get('msg', kind)}）"


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    detail = [
        {
            "field": _field_of(e.get("loc", ())),
            "rule": e.get("type", "invalid"),
            "message": f"{_field_of(e.get('loc', ()))}：{chinese_message(e)}",
        }
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(RuleViolation)
def _rule(request, exc: RuleViolation):
    return api.create_response(request, {"detail": [p.as_dict() for p in exc.problems]}, status=exc.status)


@api.exception_handler(AuthenticationError)
def _auth(request, exc):
    return api.create_response(
        request, {"detail": [{"field": None, "rule": "authentication", "message": "未登录或令牌无效"}]}, status=401
    )


@api.exception_handler(Http404)
def _missing(request, exc):
    return api.create_response(
        request, {"detail": [{"field": None, "rule": "not_found", "message": "对象不存在"}]}, status=404
    )


@api.exception_handler(OverflowError)
def _overflow(request, exc):
    # An id or number beyond the database's integer range cannot name anything that exists.
    return api.create_response(
        request, {"detail": [{"field": None, "rule": "out_of_range", "message": "数值超出范围"}]}, status=400
    )


@api.exception_handler(DataError)
def _data_error(request, exc):
    return api.create_response(
        request,
        {"detail": [{"field": None, "rule": "out_of_range", "message": "数值超出范围或格式不正确"}]},
        status=400,
    )


@api.exception_handler(HttpError)
def _http(request, exc: HttpError):
    # django-ninja's own (English) messages, e.g. "Cannot parse request body", "CSRF check Failed", in Chinese.
    problem = http_problem(exc.status_code, str(exc))
    return api.create_response(request, {"detail": [problem.as_dict()]}, status=exc.status_code)


for _label, _module in app_modules("api"):
    if getattr(_module, "router", None) is not None:
        api.add_router(f"/{_label}/", _module.router)
