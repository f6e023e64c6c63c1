from . import types_pb2
