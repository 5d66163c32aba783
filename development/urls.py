from django.urls import path

from development import views

urlpatterns = [
    path("dev/mailbox/", views.mailbox, name="dev_mailbox"),
]
