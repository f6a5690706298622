"""The project's errors: one base class, a few precise subclasses.

Every message is one sentence a runner understands, naming the problem and the fix.
The CLI catches :class:`GaitError` and turns it into a message and a non-zero exit code.
"""


class GaitError(Exception):
    """Base class of every error gait raises on purpose."""


class ModelError(GaitError):
    """A pose model file is missing, corrupt or not a pose landmarker bundle."""


class VideoError(GaitError):
    """The input is missing, unreadable, not a video, or has no usable frames."""


class NoPersonError(GaitError):
    """Too few frames contain a person to analyse the clip."""


class OutputError(GaitError):
    """The output folder cannot be used (it is a file, or not writable)."""


class CacheError(GaitError):
    """A cached pose track is corrupt or does not match the clip; it is rebuilt, never trusted."""


class AnalysisError(GaitError):
    """The clip cannot give the requested measurement (wrong view, too few steps)."""


class NoPersonInTrackError(NoPersonError, AnalysisError):
    """A pose track holds too little time with a person to analyse: both kinds of error at once."""


class InputError(GaitError):
    """The command line names no usable input (a pattern matching nothing, a folder without clips)."""
