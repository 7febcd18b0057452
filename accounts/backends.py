"""Authentication with capabilities from roles only.

Django's ``ModelBackend`` gives a user flagged ``is_superuser`` every permission. Nothing in
Corridor sets that flag, but ``corridor createsuperuser`` (Django's command) would, with no
audit event: an account holding every capability, the admin's and the supervisor's together,
beside the role table (accounts/roles.py) and its refusals. Here the flag grants nothing.
"""

from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache = f"_{from_name}_role_perm_cache"
        if not hasattr(user_obj, cache):
            perms = getattr(self, f"_get_{from_name}_permissions")(user_obj)
            perms = perms.values_list("content_type__app_label", "codename").order_by()
            setattr(user_obj, cache, {f"{ct}.{name}" for ct, name in perms})
        return getattr(user_obj, cache)
