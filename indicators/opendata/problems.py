"""Errors as RFC 9457 problem details: a JSON body that names what is wrong, never a traceback
or an HTML page."""

from __future__ import annotations

import json

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    500: "Internal server error",
    503: "Service unavailable",
}


class Problem(Exception):
    """An error the API answers with a problem-details body; `extra` members are added to it
    (`parameter`, `value`, `allowed`), so a client can act on them without parsing prose."""

    def __init__(self, status: int, detail: str, **extra):
        super().__init__(detail)
        self.status, self.detail, self.extra = status, detail, extra

    def body(self, instance: str) -> dict:
        return {
            "type": "about:blank",
            "title": TITLES.get(self.status, "Error"),
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            **self.extra,
        }

    def render(self, instance: str) -> bytes:
        return json.dumps(self.body(instance), ensure_ascii=False).encode("utf-8")


def bad_parameter(name: str, value: str, reason: str, **extra) -> Problem:
    return Problem(400, f"parameter {name!r}: {reason}", parameter=name, value=value, **extra)


def not_found(what: str, value: str, parameter: str | None = None) -> Problem:
    extra = {"parameter": parameter, "value": value} if parameter else {"value": value}
    return Problem(404, f"no {what} {value!r}", **extra)
