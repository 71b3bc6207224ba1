"""
The staff's own pages beside the admin: setting up two-factor authentication, the second step
of signing in, and the page a locked-out sign-in gets. Each calls newsroom.accounts.services.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.accounts import rules, services
from newsroom.accounts.forms import CodeForm
from newsroom.accounts.network import client_ip

staff_only = [never_cache, staff_member_required]


def admin_context(request, **context):
    """What the admin's own templates need (site header, user links), without its side bar."""
    return {**admin.site.each_context(request), "is_nav_sidebar_enabled": False, **context}


def recovery_codes_page(request, codes, *, title):
    """The only page that ever shows these recovery codes."""
    context = admin_context(request, title=title, codes=codes)
    return render(request, "accounts/recovery_codes.html", context)


@method_decorator([*staff_only, sensitive_post_parameters("code")], name="dispatch")
class TwoFactorView(FormView):
    """
    With an authenticator app: what is set up, with new recovery codes and removal on offer.
    Without: the app's secret as a QR code and a key, and a code from the app to confirm it.
    """

    form_class = CodeForm
    template_name = "accounts/two_factor.html"

    def dispatch(self, request, *args, **kwargs):
        self.enrolled = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
        if self.enrolled and request.method == "POST":
            return redirect("accounts:two-factor")
        self.device = None if self.enrolled else services.authenticator_pending(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        help_text = "The six digits your authenticator app shows for this account now."
        return {**super().get_form_kwargs(), "help_text": help_text}

    def get_context_data(self, **kwargs):
        context = admin_context(
            self.request,
            title="Two-factor authentication",
            enrolled=self.enrolled,
            required=rules.second_factor_required(self.request.user),
        )
        if self.enrolled:
            context["codes_left"] = StaticToken.objects.filter(
                device__user=self.request.user, device__confirmed=True
            ).count()
        else:
            uri = self.device.config_url
            context.update(
                uri=uri,
                qr_code=segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
                key=" ".join(_groups(b32encode(self.device.bin_key).decode(), 4)),
            )
        return {**context, **super().get_context_data(**kwargs)}

    def form_valid(self, form):
        try:
            codes = services.two_factor_enable(
                device=self.device,
                code=form.cleaned_data["code"],
                ip_address=client_ip(self.request),
            )
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        otp_login(self.request, self.device)
        return recovery_codes_page(self.request, codes, title="Two-factor authentication is on")


@method_decorator(staff_only, name="dispatch")
class RecoveryCodesView(View):
    """A new set of recovery codes, in place of the old."""

    def post(self, request):
        if not rules.second_factor_enrolled(request.user):
            return redirect("accounts:two-factor")
        codes = services.recovery_codes_replace(user=request.user, ip_address=client_ip(request))
        return recovery_codes_page(request, codes, title="New recovery codes")


@method_decorator(staff_only, name="dispatch")
class TwoFactorRemoveView(View):
    """Remove the authenticator app and the recovery codes (to move to a new phone, say)."""

    def post(self, request):
        services.two_factor_disable(user=request.user, ip_address=client_ip(request))
        messages.success(request, "Your authenticator app and recovery codes were removed.")
        return redirect("accounts:two-factor")


@method_decorator([*staff_only, sensitive_post_parameters("code")], name="dispatch")
class VerifyView(FormView):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""

    form_class = CodeForm
    template_name = "accounts/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if rules.second_factor_due(request.user) != rules.VERIFY:
            return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        help_text = "The six digits your authenticator app shows, or one of your recovery codes."
        return {**super().get_form_kwargs(), "help_text": help_text}

    def get_context_data(self, **kwargs):
        # No user links or menus before the second factor: only this form and signing out.
        context = admin_context(
            self.request, title="Two-factor authentication", has_permission=False
        )
        return {**context, **super().get_context_data(**kwargs), "next": self.next_url()}

    def form_valid(self, form):
        try:
            verified = services.second_factor_check(
                user=self.request.user,
                code=form.cleaned_data["code"],
                ip_address=client_ip(self.request),
            )
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        otp_login(self.request, verified.device)
        if verified.recovery_codes_left is not None:
            messages.warning(
                self.request,
                f"You signed in with a recovery code; {verified.recovery_codes_left} left. "
                "Each works once: make new ones under Two-factor authentication.",
            )
        return redirect(self.next_url())

    def next_url(self):
        """Where the sign-in was going: an address on this site, else the admin's index."""
        wanted = self.request.POST.get("next") or self.request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            wanted,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        )
        return wanted if safe else reverse("admin:index")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): a page saying how long to wait."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = admin_context(
        request, title="Too many failed sign-ins", has_permission=False, minutes=minutes
    )
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def _groups(text, size):
    return [text[start : start + size] for start in range(0, len(text), size)]
