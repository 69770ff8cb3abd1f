"""Public pages: policy notes, the register of council documents, projects. Read-only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from programs.models import CouncilDocument

from . import pages
from .models import PolicyNote, Project, Subject


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "policy/index.html", pages.index_context())


def note(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(PolicyNote, slug=slug)
    return render(request, "policy/note.html", pages.note_context(found, request.user))


def document(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(CouncilDocument.objects.select_related("responds_to"), slug=slug)
    return render(request, "policy/document.html", pages.document_context(found, request.user))


def project(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Project, slug=slug)
    return render(request, "policy/project.html", pages.project_context(found, request.user))


def subject(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Subject, slug=slug)
    return render(request, "policy/subject.html", pages.subject_context(found, request.user))
