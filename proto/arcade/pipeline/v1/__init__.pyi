from . import pipeline_pb2
