from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PageNumberPagination
from jobs import selectors, services
from jobs.api.serializers import JobDownloadOutput, JobOutput


def job_output(job) -> dict:
    done, total = services.job_progress(job)
    percent = 100 if job.status == "succeeded" else (int(done * 100 / total) if total else 0)
    return JobOutput(
        {
            **{
                f: getattr(job, f)
                for f in (
                    "id",
                    "kind",
                    "status",
                    "errors",
                    "summary",
                    "input_name",
                    "result_name",
                    "created_at",
                    "finished_at",
                )
            },
            "done": done,
            "total": total,
            "percent": percent,
        }
    ).data


class JobListView(APIView):
    """The caller's own background jobs, newest first."""

    pagination_class = PageNumberPagination  # lists answer {count, next, previous, results}

    @extend_schema(operation_id="jobs_list", responses=JobOutput(many=True))
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.job_list_for_user(user=request.user), request, view=self)
        return paginator.get_paginated_response([job_output(j) for j in page])


class JobDetailView(APIView):
    """One job with its progress (poll it while it runs) and, when it failed, its row errors."""

    @extend_schema(operation_id="jobs_retrieve", responses=JobOutput)
    def get(self, request, job_id):
        return Response(job_output(services.job_get_for_user(user=request.user, job_id=job_id)))


class JobDownloadView(APIView):
    """A short-lived download link for the job's result file."""

    @extend_schema(operation_id="jobs_download", request=None, responses=JobDownloadOutput)
    def post(self, request, job_id):
        job = services.job_get_for_user(user=request.user, job_id=job_id)
        url = services.job_download_url(user=request.user, job_id=job_id, request=request)
        return Response({"url": url, "file_name": job.result_name})
