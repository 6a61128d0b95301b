"""The filter presets of the domain as Lavalink filter sets.

Values follow the common Lavalink recipes: a low-end equaliser lift for bass boost, a faster
and higher timescale for nightcore, a slower and lower one (with a little bass) for
vaporwave, a slow stereo rotation for 8D, and Lavalink's karaoke filter on the vocal band.
"""

from __future__ import annotations

from reprise.adapters.lavalink.mafic_import import mafic
from reprise.domain.values import FilterPreset

_BASS = [(0, 0.25), (1, 0.2), (2, 0.15), (3, 0.1), (4, 0.05)]


def lavalink_filter(preset: FilterPreset) -> mafic.Filter:
    """The complete filter set for a preset (an empty one clears every filter)."""
    match preset:
        case FilterPreset.BASSBOOST:
            return mafic.Filter(equalizer=mafic.Equalizer(_BASS))
        case FilterPreset.NIGHTCORE:
            return mafic.Filter(timescale=mafic.Timescale(speed=1.2, pitch=1.2, rate=1.0))
        case FilterPreset.VAPORWAVE:
            return mafic.Filter(
                timescale=mafic.Timescale(speed=0.85, pitch=0.8, rate=1.0),
                equalizer=mafic.Equalizer([(0, 0.15), (1, 0.1)]),
            )
        case FilterPreset.EIGHT_D:
            return mafic.Filter(rotation=mafic.Rotation(rotation_hz=0.2))
        case FilterPreset.KARAOKE:
            return mafic.Filter(
                karaoke=mafic.Karaoke(
                    level=1.0, mono_level=1.0, filter_band=220.0, filter_width=100.0
                )
            )
        case FilterPreset.OFF:
            return mafic.Filter()
