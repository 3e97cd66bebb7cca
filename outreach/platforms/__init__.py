"""The platforms plugged in: the channel plugins found and made into channels, and their fakes.

``registry`` loads the plugins of the entry-point group ``outreach.channels``
and makes one channel per ``[channels.NAME]`` section, with a status for each
(a broken plugin is reported and skipped); ``sandbox`` runs the plugins' local
fakes of their platforms for rehearsals. Plugins themselves import only
``outreach.channels``, the plugin API.
"""
