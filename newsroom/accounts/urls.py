from django.urls import path

from newsroom.accounts import views

app_name = "accounts"

urlpatterns = [
    path("two-factor/", views.TwoFactorView.as_view(), name="two-factor"),
    path(
        "two-factor/recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="two-factor-recovery-codes",
    ),
    path("two-factor/remove/", views.TwoFactorRemoveView.as_view(), name="two-factor-remove"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
]
