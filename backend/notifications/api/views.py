"""The caller's own notifications (in-app): list (paginated, `unread` filter), unread count, mark one read,
mark all read. Anyone's own only: another's id is a 404. Open to every signed-in account, the mini-program
included; the text follows the request's language (Accept-Language)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PageNumberPagination
from notifications import messages, selectors, services
from notifications.api.serializers import (
    NotificationFilterInput,
    NotificationOutput,
    NotificationReadAllOutput,
    NotificationUnreadCountOutput,
)


def notification_output(notification) -> dict:
    title, body = messages.for_reader(notification)
    return NotificationOutput(
        {
            "id": notification.id,
            "kind": notification.kind,
            "title": title,
            "body": body,
            "phase": notification.phase,
            "link": (
                {"type": notification.link_type, "id": notification.link_id}
                if notification.link_type
                else None
            ),
            "read": notification.read_at is not None,
            "read_at": notification.read_at,
            "created_at": notification.created_at,
        }
    ).data


class NotificationListView(APIView):
    """My notifications, newest first. 我的通知。"""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}
    miniprogram_allowed = True

    @extend_schema(
        operation_id="notifications_list",
        parameters=[
            OpenApiParameter(
                "unread", bool, description="true: only unread; false: only read; absent: all", required=False
            )
        ],
        responses=NotificationOutput(many=True),
    )
    def get(self, request):
        filters = NotificationFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.notification_list_for_user(user=request.user, unread=filters.validated_data["unread"])
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([notification_output(n) for n in page])


class NotificationUnreadCountView(APIView):
    """How many of my notifications are unread (for the badge)."""

    miniprogram_allowed = True

    @extend_schema(operation_id="notifications_unread_count", responses=NotificationUnreadCountOutput)
    def get(self, request):
        return Response({"count": selectors.notification_unread_count(user=request.user)})


class NotificationReadView(APIView):
    """Mark one of my notifications read."""

    miniprogram_allowed = True

    @extend_schema(operation_id="notifications_read", request=None, responses=NotificationOutput)
    def post(self, request, notification_id):
        notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(notification_output(notification))


class NotificationReadAllView(APIView):
    """Mark all my notifications read."""

    miniprogram_allowed = True

    @extend_schema(operation_id="notifications_read_all", request=None, responses=NotificationReadAllOutput)
    def post(self, request):
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
