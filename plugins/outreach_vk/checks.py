"""``outreach channels check`` for VK: whose tokens these are, and what they may do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach.channels import CheckResult, _, format_number, ngettext
from outreach_vk import limits

if TYPE_CHECKING:
    from outreach_vk.client import Client


def wall_right_note() -> str:
    """Why a user token may lack the wall right, and what works meanwhile."""
    return _("VK gives the wall right to a standalone app's user token only on request to "
             "its support; until it does, the channel still collects the audience and runs "
             "the sign-up bot with the community token (see docs/vk.md, 'The user token')")


def check_token(client: Client) -> list[CheckResult]:
    """Whose token ``client`` holds and what it may do; raises ChannelError when VK refuses."""
    return _user(client) if client.who.role == "user" else _community(client)


def missing_token(role: str) -> CheckResult:
    """What a channel without a ``role`` token cannot do, and how to give it one."""
    if role == "user":
        return CheckResult(ok=False, message=_("no user token: this channel cannot publish"),
                           fix=_("set user_token_env to the variable holding a community "
                                 "administrator's user token.") + " " + wall_right_note())
    return CheckResult(ok=False, message=_("no community token: the sign-up bot cannot run"),
                       fix=_("create a token in the community's settings (API usage → "
                             "access tokens) with the messages right and set "
                             "community_token_env to its variable"))


def _user(client: Client) -> list[CheckResult]:
    variable, group_id = client.who.variable, client.who.group_id
    # A community or service token fails here with error 27/28, named in plain words.
    mask = client.call("account.getAppPermissions")
    [user] = client.call("users.get")
    person = f"{user.get('first_name', '')} {user.get('last_name', '')}".strip()
    results = [CheckResult(ok=True, message=_(
        "user token ({variable}) belongs to {person} (id {id})").format(
        variable=variable, person=person, id=user["id"]))]
    missing = [scope for scope in limits.USER_SCOPES_NEEDED
               if not mask & limits.SCOPE_BITS[scope]]
    if missing:
        fix = _("create the token again asking for the rights {rights} (see docs/vk.md)").format(
            rights=", ".join(missing))
        if "wall" in missing:
            fix += ". " + wall_right_note()
        results.append(CheckResult(ok=False, message=_(
            "the user token lacks the rights: {rights}").format(rights=", ".join(missing)),
            fix=fix))
    else:
        results.append(CheckResult(ok=True, message=_(
            "the user token has the rights {rights}").format(
            rights=", ".join(limits.USER_SCOPES_NEEDED))))
    answer = client.call("groups.getById", {"group_id": group_id, "fields": "members_count"})
    group = (answer.get("groups") or [{}])[0]
    title = group.get("name") or f"club{group_id}"
    if group.get("is_admin") == 1:
        results.append(CheckResult(ok=True, message=_(
            "{person} administers community {title} ({id})").format(
            person=person, title=title, id=group_id)))
    else:
        results.append(CheckResult(
            ok=False, message=_("{person} is not an administrator of community {title} "
                                "({id}): VK will not let this token post there").format(
                person=person, title=title, id=group_id),
            fix=_("make this person an administrator or editor of the community "
                  "(Manage → Members), or use the token of one who is")))
    return results


def _community(client: Client) -> list[CheckResult]:
    variable, group_id = client.who.variable, client.who.group_id
    # A user token fails here with error 15: this method takes a community token only.
    granted = client.call("groups.getTokenPermissions")
    answer = client.call("groups.getById", {"fields": "members_count"})
    group = (answer.get("groups") or [{}])[0]
    if group.get("id") != group_id:
        return [CheckResult(
            ok=False, message=_("the community token ({variable}) belongs to community "
                                "{title} ({id}), not to {expected}").format(
                variable=variable, title=group.get("name"), id=group.get("id"),
                expected=group_id),
            fix=_("create the token in the settings of community {id}, or correct "
                  "group_id").format(id=group_id))]
    members = group.get("members_count")
    names = {"variable": variable, "title": group.get("name"), "id": group["id"]}
    if isinstance(members, int):
        belongs = ngettext("community token ({variable}) belongs to {title} ({id}), "
                           "{members} member",
                           "community token ({variable}) belongs to {title} ({id}), "
                           "{members} members", members).format(
            members=format_number(members), **names)
    else:
        belongs = _("community token ({variable}) belongs to {title} ({id})").format(**names)
    results = [CheckResult(ok=True, message=belongs)]
    rights = {item.get("name") for item in granted.get("permissions", [])}
    missing = [scope for scope in limits.COMMUNITY_SCOPES_NEEDED if scope not in rights]
    if missing:
        results.append(CheckResult(
            ok=False, message=_("the community token lacks the rights: {rights}").format(
                rights=", ".join(missing)),
            fix=_("create the community token again with the right {rights} (the sign-up "
                  "bot answers people with it)").format(rights=", ".join(missing))))
    return results
