"""Photo reports from the field: reporters send photos to the bots, coordinators decide.

``desk.FrontDesk`` stands at every bot's door: invitations enrol people
(``outreach.people``), reporters' messages go to ``dialog`` (a short dialog
that ends in a story folder in the library, ``folders``), button presses in
the coordinators' chat to ``decisions``, everyone else to the sign-up desk.
``news`` tells reporters and coordinators what happened to publications.
"""
