"""The second factor, enforced: a password alone opens nothing but the page that asks for it."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from newsroom.accounts import rules

# The pages a signed-in user who still owes a second factor may open.
OPEN_PAGES = {rules.VERIFY: "accounts:verify", rules.ENROL: "accounts:two-factor"}


class TwoFactorMiddleware:
    """
    After django-otp's OTPMiddleware. A signed-in user who must still verify a code, or set up
    an authenticator app (see newsroom.accounts.rules), is sent to that page from any admin page,
    and counts as signed out anywhere else (no previews, the readers' cached pages). Only that
    page and signing out work as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        due = rules.second_factor_due(request.user)
        if due is None:
            return self.get_response(request)
        page = reverse(OPEN_PAGES[due])
        if request.path in (page, reverse("admin:logout")):
            return self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            return redirect_to_login(request.get_full_path(), page)
        request.user = AnonymousUser()

        async def anonymous():
            return request.user

        request.auser = anonymous
        return self.get_response(request)
