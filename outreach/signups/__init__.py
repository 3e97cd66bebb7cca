"""Sign-ups: the dialog with people who want to volunteer, offline sign-ups and personal data.

``desk.StoreDesk`` runs the one dialog that every channel's sign-up bot shares;
``records`` lists, exports and forgets sign-ups; ``offline`` adds sign-ups
typed in from phone calls and paper forms; ``phones`` normalises Russian
phone numbers; ``joins`` attributes community joins to posts.
"""
