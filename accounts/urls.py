from django.urls import path

from accounts import views

# Included before allauth's URLs under /accounts/.
urlpatterns = [
    path("name/", views.display_name, name="account_name"),
    path("signatures/", views.my_signatures, name="my_signatures"),
    path("signatures/<int:pk>/withdraw/", views.withdraw_signature, name="my_signature_withdraw"),
    path("signatures/<int:pk>/updates/", views.change_signature_updates, name="my_signature_updates"),
]
