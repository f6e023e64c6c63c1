from . import gateway_pb2
