"""``outreach channels check`` for OK: whose token this is, what the application may do,
and whether that person can post to the group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach.channels import CheckResult, _
from outreach_ok import limits

if TYPE_CHECKING:
    from outreach_ok.client import Client

#: Roles in a group whose holder may post as the group (group.getUserGroupsByIds "status").
POSTING_ROLES = ("ADMIN", "MODERATOR", "EDITOR")


def check_channel(client: Client, application_id: int) -> list[CheckResult]:
    """Verdicts in plain words; raises ChannelError when OK refuses the token itself."""
    group_id = client.who.group_id
    user = client.call("users.getCurrentUser", {"fields": "uid,name"})
    person, uid = str(user.get("name") or ""), str(user.get("uid") or "")
    results = [CheckResult(ok=True, message=_(
        "the access token ({variable}) works and belongs to {person} (id {uid})").format(
            variable=client.who.token_variable, person=person, uid=uid))]
    missing = [permission for permission in limits.PERMISSIONS_NEEDED
               if client.call("users.hasAppPermission", {"ext_perm": permission}) is not True]
    if missing:
        fix = _("ask for the permissions {missing} when you get the token again (see "
                "docs/ok.md).").format(missing=", ".join(missing))
        if limits.GROUP_CONTENT in missing or limits.PHOTO_CONTENT in missing:
            fix = _("write to OK's support (api-support@ok.ru) asking them to grant "
                    "application {application} the permissions {missing} for posting to "
                    "group {group}; then get a new token asking for them (see docs/ok.md, "
                    "'Permissions').").format(application=application_id,
                                              missing=", ".join(missing), group=group_id)
        results.append(CheckResult(ok=False, message=_(
            "the application lacks the permissions: {missing}").format(
                missing=", ".join(missing)), fix=fix))
    else:
        results.append(CheckResult(ok=True, message=_(
            "the application has the permissions {granted}").format(
                granted=", ".join(limits.PERMISSIONS_NEEDED))))
    [info, *_rest] = client.call("group.getInfo", {"uids": group_id,
                                                   "fields": "uid,name,members_count"}) \
        or [{}]
    title = info.get("name") or group_id
    roles = client.call("group.getUserGroupsByIds", {"group_id": group_id, "uids": uid})
    status = next((str(row.get("status")) for row in roles or []
                   if str(row.get("uid")) == uid), "")
    if status in POSTING_ROLES:
        results.append(CheckResult(ok=True, message=_(
            "{person} administers group {title} ({group}), {members} members").format(
                person=person, title=title, group=group_id,
                members=info.get("members_count", "—"))))
    else:
        results.append(CheckResult(
            ok=False, message=_(
                "{person} is not an administrator of group {title} ({group}): OK will not "
                "let this token post there").format(person=person, title=title,
                                                    group=group_id),
            fix=_("make this person an administrator or moderator of the group (the group's "
                  "page → Members → Administration), or use the token of one who is")))
    return results
