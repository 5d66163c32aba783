from django.urls import path

from consult.views import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("consultations/<slug:slug>/", pages.consultation_detail, name="consultation_detail"),
    path("consultations/<slug:slug>/arguments/<int:pk>/", pages.argument_detail, name="argument_detail"),
    path("statements/<slug:slug>/", pages.statement_detail, name="statement_detail"),
]
