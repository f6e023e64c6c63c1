from . import steprun_pb2
