from . import arcade
