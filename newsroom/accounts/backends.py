"""
The authentication backends: django-axes' lockout check first, then the password check.
"""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from newsroom.accounts import rules

UserModel = get_user_model()


class LockoutBackend(AxesStandaloneBackend):
    """
    Refuses any sign-in while the account or the address is locked out; signs nobody in itself.
    A sign-in through the site always comes with its request, which holds the address. A call
    without one comes from inside the process (a management command, a shell, a test): no
    address to count, nobody knocking from outside, so it is left to the password check rather
    than refused as axes would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AccountBackend(ModelBackend):
    """
    Django's ModelBackend. The user it loads for each request carries what the second-factor
    rules need (newsroom.accounts.rules), in the same query.
    """

    def get_user(self, user_id):
        users = UserModel._default_manager.annotate(**rules.user_annotations())
        try:
            user = users.get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
