import uuid

from core.logging import request_id_var


class RequestIdMiddleware:
    """Gives every request an ID (kept from X-Request-ID when a proxy set one), logged and returned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = (
            incoming if 8 <= len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        )
        request.request_id = rid
        # Not reset at the end: Django logs 4xx/5xx responses after the middleware chain has returned, and
        # those lines must carry the ID too. The next request on this thread sets its own.
        request_id_var.set(rid)
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response
