from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import login

APPS = "/api/v1/assessment-body-applications/"
PDF = b"%PDF-1.4\n" + b"x" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"p" * 64


def pdf(name="资质证明.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def allow(org):
    org.may_apply_assessment_body = True
    org.save(update_fields=["may_apply_assessment_body"])


def draft(username, **fields):
    """A draft application of the user's organisation, made through the API (the org must be allowed)."""
    response = login(username).post(APPS, {"applied_scope": "临床类别", **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def submitted(username):
    app_id = draft(username)
    client = login(username)
    up = client.post(f"{APPS}{app_id}/attachments/", {"file": pdf()}, format="multipart")
    assert up.status_code == 201, up.content
    response = client.post(f"{APPS}{app_id}/submit/", {}, format="json")
    assert response.status_code == 200, response.content
    return app_id
