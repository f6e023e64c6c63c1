from . import stream_pb2
