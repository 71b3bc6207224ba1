"""
django-otp's pages of authenticator apps and recovery codes, for superusers (a lost phone):
removing one there is recorded in the audit log like a removal by its owner.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.accounts import services
from newsroom.accounts.network import client_ip
from newsroom.audit.models import Door


class AuditedRemovalMixin:
    def delete_model(self, request, obj):
        services.devices_remove(
            devices=[obj], by=request.user, door=Door.ADMIN, ip_address=client_ip(request)
        )

    def delete_queryset(self, request, queryset):
        services.devices_remove(
            devices=queryset.select_related("user"),
            by=request.user,
            door=Door.ADMIN_ACTION,
            ip_address=client_ip(request),
        )


class AuditedTOTPDeviceAdmin(AuditedRemovalMixin, TOTPDeviceAdmin):
    pass


class AuditedStaticDeviceAdmin(AuditedRemovalMixin, StaticDeviceAdmin):
    pass


# django-otp's plugins registered theirs first (they come first in INSTALLED_APPS).
for model, model_admin in [
    (TOTPDevice, AuditedTOTPDeviceAdmin),
    (StaticDevice, AuditedStaticDeviceAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
