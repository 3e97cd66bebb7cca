"""Sign-ups: the dialog with people who want to volunteer, offline sign-ups and personal data.

``desk.StoreDesk`` runs the one dialog that every channel's sign-up bot shares
(``flood`` limits one person's messages, ``notices`` tells the coordinators,
``cleaning`` makes what people type safe to keep); ``records`` lists, forgets
and erases unfinished sign-ups; ``merging`` lists sign-ups that share a phone
and merges them when a coordinator says so; ``offline`` adds sign-ups typed in
from phone calls and paper forms; ``phones`` normalises Russian phone numbers;
``referrals`` makes, finds and matches the codes that attribute a sign-up to a
post or poster, and ``sources`` names the kinds of source; ``joins``
attributes community joins to posts.
"""
