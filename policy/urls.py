from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("beleid/", views.index, name="index"),
    path("beleid/nota/<slug:slug>/", views.note, name="note"),
    path("beleid/raadsstukken/<slug:slug>/", views.document, name="document"),
    path("beleid/projecten/<slug:slug>/", views.project, name="project"),
    path("beleid/onderwerpen/<slug:slug>/", views.subject, name="subject"),
]
