"""Session bookkeeping at sign-in, and the end of a deactivated account's sessions."""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver

from .middleware import SESSION_LOGIN_AT, SESSION_SEEN_AT
from .services import user_sessions_end


@receiver(user_logged_in, dispatch_uid="accounts-session-start")
def session_start(sender, request, user, **kwargs) -> None:
    # The absolute limit counts from here (login() has already given the session a new key).
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_SEEN_AT] = now


@receiver(pre_save, sender=get_user_model(), dispatch_uid="accounts-deactivation")
def end_sessions_of_deactivated_user(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        user_id = instance.pk
        transaction.on_commit(lambda: user_sessions_end(user_id=user_id))
