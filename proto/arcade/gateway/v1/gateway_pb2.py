"""Generated protocol buffer code."""
from google.protobuf import descriptor as _descriptor
from google.protobuf import descriptor_pool as _descriptor_pool
from google.protobuf import runtime_version as _runtime_version
from google.protobuf import symbol_database as _symbol_database
from google.protobuf.internal import builder as _builder
_runtime_version.ValidateProtobufRuntimeVersion(_runtime_version.Domain.PUBLIC, 5, 29, 0, '', 'arcade/gateway/v1/gateway.proto')
_sym_db = _symbol_database.Default()
from ....arcade.types.v1 import types_pb2 as arcade_dot_types_dot_v1_dot_types__pb2
DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(b'\n\x1farcade/gateway/v1/gateway.proto\x12\x11arcade.gateway.v1\x1a\x1barcade/types/v1/types.proto"O\n\x0fPushLogsRequest\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t\x12\'\n\x05lines\x18\x02 \x03(\x0b2\x18.arcade.types.v1.LogLine"8\n\x06LogAck\x12\x13\n\x0bstep_run_id\x18\x01 \x01(\t\x12\x19\n\x11last_accepted_seq\x18\x02 \x01(\x04";\n\x10PushLogsResponse\x12\'\n\x04acks\x18\x01 \x03(\x0b2\x19.arcade.gateway.v1.LogAck"\x8d\x01\n\nAgentEvent\x12\x0b\n\x03seq\x18\x01 \x01(\x04\x12\x0c\n\x04kind\x18\x02 \x01(\t\x12\x12\n\njob_run_id\x18\x03 \x01(\t\x12\x13\n\x0bstep_run_id\x18\x04 \x01(\t\x12\x0f\n\x07message\x18\x05 \x01(\t\x12\x14\n\x0cpayload_json\x18\x06 \x01(\t\x12\x14\n\x0ctime_unix_ms\x18\x07 \x01(\x03"B\n\x11PushEventsRequest\x12-\n\x06events\x18\x01 \x03(\x0b2\x1d.arcade.gateway.v1.AgentEvent"/\n\x12PushEventsResponse\x12\x19\n\x11last_accepted_seq\x18\x01 \x01(\x042\xc4\x01\n\x0eGatewayService\x12U\n\x08PushLogs\x12".arcade.gateway.v1.PushLogsRequest\x1a#.arcade.gateway.v1.PushLogsResponse(\x01\x12[\n\nPushEvents\x12$.arcade.gateway.v1.PushEventsRequest\x1a%.arcade.gateway.v1.PushEventsResponse(\x01b\x06proto3')
_globals = globals()
_builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, _globals)
_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'arcade.gateway.v1.gateway_pb2', _globals)
if not _descriptor._USE_C_DESCRIPTORS:
    DESCRIPTOR._loaded_options = None
    _globals['_PUSHLOGSREQUEST']._serialized_start = 83
    _globals['_PUSHLOGSREQUEST']._serialized_end = 162
    _globals['_LOGACK']._serialized_start = 164
    _globals['_LOGACK']._serialized_end = 220
    _globals['_PUSHLOGSRESPONSE']._serialized_start = 222
    _globals['_PUSHLOGSRESPONSE']._serialized_end = 281
    _globals['_AGENTEVENT']._serialized_start = 284
    _globals['_AGENTEVENT']._serialized_end = 425
    _globals['_PUSHEVENTSREQUEST']._serialized_start = 427
    _globals['_PUSHEVENTSREQUEST']._serialized_end = 493
    _globals['_PUSHEVENTSRESPONSE']._serialized_start = 495
    _globals['_PUSHEVENTSRESPONSE']._serialized_end = 542
    _globals['_GATEWAYSERVICE']._serialized_start = 545
    _globals['_GATEWAYSERVICE']._serialized_end = 741