from jobs.models import Job


def job_list_for_user(*, user):
    return Job.objects.filter(created_by=user).order_by("-created_at")
