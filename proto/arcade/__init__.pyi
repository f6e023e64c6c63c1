from . import agent
from . import gateway
from . import pipeline
from . import steprun
from . import stream
from . import types
