from . import agent_pb2
