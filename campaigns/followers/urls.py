"""The follow views' addresses, inside the site's language prefixes (/fa/follow/... in Persian).
The confirm and leave paths are those keys.LINK_PATH prints in the mails."""

from django.urls import path

from . import subscribe

urlpatterns = [
    path("follow/", subscribe.follow, name="follow"),
    path("follow/sent/", subscribe.sent, name="follow_sent"),
    path("follow/confirm/<uuid:public_id>/<str:token>/", subscribe.confirm, name="follow_confirm"),
    path("follow/leave/<uuid:public_id>/<str:token>/", subscribe.leave, name="follow_leave"),
]
