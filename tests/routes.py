"""The routes of a URLconf, for tests that walk every endpoint."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(urlconf: str) -> list[tuple[str, list[str]]]:
    """(path template, lower-case methods) for every route of `urlconf`."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                view = p.callback
                cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
                actions = getattr(view, "actions", None)
                methods = (
                    sorted(actions)
                    if actions
                    else [m for m in ("get", "post", "put", "patch", "delete") if cls and hasattr(cls, m)]
                )
                yield prefix + str(p.pattern), methods

    return list(walk(get_resolver(urlconf).url_patterns))


def params(template: str) -> list[tuple[str, str]]:
    """(converter, name) of each path parameter."""
    return [(m.group(1) or "str", m.group(2)) for m in PARAM.finditer(template)]


def fill(template: str, values: dict) -> str:
    return PARAM.sub(lambda m: str(values[m.group(2)]), template)
